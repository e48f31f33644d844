package dev.perch.runtime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the controller's records cannot be sent to Kafka: the controller goes on acting,
 * but nothing downstream (the topology, the agents, the decisions' readers) hears of it.
 */
@Readiness
@ApplicationScoped
public class OutputsHealth implements HealthCheck {
    static final String NAME = "perch-outputs";

    @Inject
    RecordSender sender;

    @Override
    public HealthCheckResponse call() {
        var failure = sender.failure();
        var response = HealthCheckResponse.named(NAME).status(failure.isEmpty())
                .withData("failedRecords", sender.failedRecords());
        failure.ifPresent(reason -> response.withData("lastError", reason));
        return response.build();
    }
}
