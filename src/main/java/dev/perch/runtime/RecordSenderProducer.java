package dev.perch.runtime;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * The controller's one {@link RecordSender}, configured from the same {@code kafka.*} settings as
 * every other Kafka client of the application; closed (and so flushed) when the application stops.
 */
@ApplicationScoped
public class RecordSenderProducer {
    @Produces
    @Singleton
    RecordSender recordSender(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        return RecordSender.create(kafka);
    }

    void close(@Disposes RecordSender sender) {
        sender.close();
    }
}
