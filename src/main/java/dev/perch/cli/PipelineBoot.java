package dev.perch.cli;

import dev.perch.runtime.BrokerHolder;
import dev.perch.runtime.EmbeddedKafka;
import dev.perch.runtime.KafkaClientSecurity;
import dev.perch.runtime.TopicAdmin;
import dev.perch.telemetry.Topics;
import io.quarkus.runtime.Quarkus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;

/**
 * Boots the pipeline for {@code demo}, {@code replay} and {@code run}, in the mode the command set:
 * Kafka first (the embedded broker unless Kafka is configured, because the Kafka clients are
 * configured from its address), the topics, then the application (Streams, controller, HTTP); a
 * failure to start ends the process with one line on stderr ({@link StartupFailure}).
 */
final class PipelineBoot {
    private PipelineBoot() {
    }

    /** Held, so that the level set on it is not lost with a collected logger. */
    private static final java.util.logging.Logger ADMIN_CLIENT_LOG = java.util.logging.Logger.getLogger("org.apache.kafka.clients");

    /**
     * Starts the embedded broker unless Kafka is configured, creates the topics, and boots the
     * application (Streams, controller, HTTP) in the mode the caller set.
     */
    static void boot(String command, Optional<Path> dataDir) {
        int telemetryPartitions = configuredTelemetryPartitions();
        System.setProperty("kafka-streams.state.dir", streamsStateDir(dataDir).toString());
        String bootstrap = configuredBootstrapServers();
        KafkaClientSecurity security = configuredSecurity(bootstrap != null);
        quietKafkaLogging();
        if (bootstrap == null) {
            EmbeddedKafka broker;
            try {
                broker = EmbeddedKafka.start(9092, dataDir.map(d -> d.resolve("kafka")).orElse(null));
            } catch (RuntimeException e) {
                System.err.println("perch " + command + ": cannot start the embedded Kafka broker on 127.0.0.1:9092: "
                        + StartupFailure.rootMessage(e));
                System.exit(1);
                return;
            }
            BrokerHolder.adopt(broker);
            bootstrap = broker.bootstrapServers();
            System.setProperty("kafka.bootstrap.servers", bootstrap);
        }
        try {
            TopicAdmin.ensureTopics(bootstrap, telemetryPartitions, security)
                    .ifPresent(warning -> System.err.println("perch " + command + ": " + warning));
        } catch (TopicAdmin.KafkaUnreachable e) {
            // A wrong address, wrong credentials or an untrusted certificate are bad input, said on one
            // line (the admin client's retries, logged at INFO and WARN, would otherwise be thousands of
            // lines before the cause).
            System.err.println("perch " + command + ": " + e.getMessage());
            System.exit(PerchMain.BAD_INPUT);
            return;
        }
        ADMIN_CLIENT_LOG.setLevel(null); // from here on, Quarkus's log settings decide
        Quarkus.run(PerchApplication.class, (code, failure) -> {
            if (failure == null) {
                System.exit(code);
            }
            System.err.println("perch " + command + ": " + StartupFailure.message(failure));
            // A setting that does not convert or validate is bad input, like a bad argument: exit 2.
            System.exit(StartupFailure.badConfiguration(failure) ? PerchMain.BAD_INPUT : code == 0 ? 1 : code);
        });
    }

    /** Kafka's address from {@code -Dkafka.bootstrap.servers} or {@code KAFKA_BOOTSTRAP_SERVERS}; {@code null} when neither is set. */
    static String configuredBootstrapServers() {
        String property = System.getProperty("kafka.bootstrap.servers");
        if (property != null && !property.isBlank()) {
            return property;
        }
        String env = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        return env == null || env.isBlank() ? null : env;
    }

    /**
     * How Perch's Kafka clients connect ({@link KafkaClientSecurity}: {@code -Dkafka.*}, {@code KAFKA_*}),
     * checked before any client is made.
     *
     * @throws UsageException when the settings cannot work, or ask for security from the embedded
     *                        broker, which listens in PLAINTEXT on loopback only
     */
    static KafkaClientSecurity configuredSecurity(boolean kafkaConfigured) {
        KafkaClientSecurity security = KafkaClientSecurity.fromEnvironment();
        security.problem().ifPresent(problem -> {
            throw new UsageException(problem);
        });
        if (!kafkaConfigured && security.secured()) {
            throw new UsageException("kafka.security.protocol (KAFKA_SECURITY_PROTOCOL) is " + security.protocol()
                    + " but no Kafka is configured: set KAFKA_BOOTSTRAP_SERVERS (the embedded broker is PLAINTEXT on 127.0.0.1)");
        }
        return security;
    }

    /**
     * {@code perch.kafka.telemetry-partitions} from {@code -D} or {@code PERCH_KAFKA_TELEMETRY_PARTITIONS}:
     * the topics are made before Quarkus reads its configuration.
     *
     * @throws UsageException when it is not a whole number from 1 to {@link Topics#MAX_PARTITIONS}
     */
    static int configuredTelemetryPartitions() {
        String text = System.getProperty("perch.kafka.telemetry-partitions");
        if (text == null || text.isBlank()) {
            text = System.getenv("PERCH_KAFKA_TELEMETRY_PARTITIONS");
        }
        if (text == null || text.isBlank()) {
            return Topics.DEFAULT_TELEMETRY_PARTITIONS;
        }
        try {
            int partitions = Integer.parseInt(text.strip());
            if (partitions >= 1 && partitions <= Topics.MAX_PARTITIONS) {
                return partitions;
            }
        } catch (NumberFormatException e) {
            // said below, with the range
        }
        throw new UsageException("perch.kafka.telemetry-partitions must be a whole number from 1 to "
                + Topics.MAX_PARTITIONS + ", not '" + text + "'");
    }

    /** A fresh broker gets fresh Streams state; a kept data directory keeps both. */
    private static Path streamsStateDir(Optional<Path> dataDir) {
        try {
            if (dataDir.isPresent()) {
                Path dir = dataDir.get().resolve("streams");
                Files.createDirectories(dir);
                return dir;
            }
            Path dir = Files.createTempDirectory("perch-streams-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UsageException("cannot create the Streams state directory: " + e.getMessage());
        }
    }

    /**
     * The broker and the topic check run before Quarkus configures logging: until then, only
     * warnings from the broker and none from the admin client, whose every reconnection to an
     * unreachable address is a warning (a failure is said once, by {@link TopicAdmin}'s reason).
     */
    private static void quietKafkaLogging() {
        for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
            java.util.logging.Logger.getLogger(name).setLevel(Level.WARNING);
        }
        ADMIN_CLIENT_LOG.setLevel(Level.SEVERE);
        // Its "metadata log appears to be empty" warning is what a freshly formatted node always says.
        java.util.logging.Logger.getLogger("org.apache.kafka.controller").setLevel(Level.SEVERE);
    }
}
