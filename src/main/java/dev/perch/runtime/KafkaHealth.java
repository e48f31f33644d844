package dev.perch.runtime;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Not ready while Kafka does not answer: a thread asks the cluster to describe itself every
 * {@value #PROBE_MS} ms (each probe bounded by {@value #PROBE_TIMEOUT_MS} ms), and after
 * {@value #DOWN_AFTER_MS} ms without an answer this check is DOWN with the reason ("Kafka at ADDR
 * has not answered for N s"), UP again at the first answer. The change is logged once each way
 * (WARN when Kafka goes, INFO when it is back); the Kafka clients' own per-reconnect warnings are
 * quiet (application.properties). A health request only reads the last probe: it never waits for Kafka.
 */
@Readiness
@ApplicationScoped
public class KafkaHealth implements HealthCheck {
    static final String NAME = "perch-kafka";
    static final long PROBE_MS = 1_000;
    static final int PROBE_TIMEOUT_MS = 2_000;
    static final long DOWN_AFTER_MS = 3_000;
    private static final Logger LOG = Logger.getLogger(KafkaHealth.class);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    volatile Probe probe;

    void onStart(@Observes StartupEvent event) {
        probe = Probe.start(kafka);
    }

    void onStop(@Observes ShutdownEvent event) {
        Probe running = probe;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public HealthCheckResponse call() {
        Probe running = probe;
        var response = HealthCheckResponse.named(NAME);
        if (running == null) {
            return response.down().withData("reason", "not started").build();
        }
        response.withData("kafka", running.address);
        running.reach.downReason(System.currentTimeMillis())
                .ifPresentOrElse(reason -> response.down().withData("reason", reason), response::up);
        return response.build();
    }

    /** The probing thread and its admin client. */
    static final class Probe implements AutoCloseable {
        final String address;
        final KafkaReach reach;
        private final Admin admin;
        private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "perch-kafka-health");
            t.setDaemon(true);
            return t;
        });

        private final KafkaClientSecurity security;

        private Probe(String address, Admin admin, KafkaClientSecurity security) {
            this.address = address;
            this.admin = admin;
            this.security = security;
            this.reach = new KafkaReach(address, DOWN_AFTER_MS, System.currentTimeMillis());
        }

        /** Probes Kafka as the application's other clients reach it ({@code kafka.*}: address, security). */
        static Probe start(Map<String, Object> kafka) {
            Map<String, Object> settings = new HashMap<>();
            kafka.forEach((key, value) -> {
                if (AdminClientConfig.configNames().contains(key)) {
                    settings.put(key, value);
                }
            });
            settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "perch-kafka-health");
            settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, PROBE_TIMEOUT_MS);
            settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, PROBE_TIMEOUT_MS);
            // Reconnect no faster than the probes come: an unanswered address is not hammered.
            settings.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, PROBE_MS);
            settings.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, PROBE_MS);
            Probe probe = new Probe(String.valueOf(settings.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)), Admin.create(settings),
                    KafkaClientSecurity.from(kafka));
            probe.thread.scheduleWithFixedDelay(probe::once, 0, PROBE_MS, TimeUnit.MILLISECONDS);
            return probe;
        }

        private void once() {
            boolean answered;
            String refusal = null;
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(PROBE_TIMEOUT_MS)).clusterId()
                        .get(PROBE_TIMEOUT_MS + 500L, TimeUnit.MILLISECONDS);
                answered = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                answered = false;
                refusal = security.refusal(e).orElse(null);
            }
            long nowMs = System.currentTimeMillis();
            (answered ? reach.answered(nowMs) : reach.noAnswer(nowMs, refusal)).ifPresent(change -> {
                if (change.up()) {
                    LOG.info(change.message());
                } else {
                    LOG.warn(change.message() + "; not ready until it answers (asked every " + PROBE_MS / 1000 + " s)");
                }
            });
        }

        @Override
        public void close() {
            thread.shutdownNow();
            admin.close(Duration.ofSeconds(2));
        }
    }
}
