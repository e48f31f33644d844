package dev.perch.runtime;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * Starts the same embedded broker that {@code demo} uses, on a free port, with fresh Streams state,
 * for every {@code @QuarkusTest}; closes it after the application (and so every client) has stopped.
 */
public class EmbeddedKafkaResource implements QuarkusTestResourceLifecycleManager {
    private EmbeddedKafka broker;

    @Override
    public Map<String, String> start() {
        broker = EmbeddedKafka.start(0, null);
        TopicAdmin.ensureTopics(broker.bootstrapServers());
        try {
            return Map.of(
                    "kafka.bootstrap.servers", broker.bootstrapServers(),
                    "kafka-streams.state.dir", Files.createTempDirectory("perch-streams-test-").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
