package dev.perch.runtime;

import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates the contract's topics that a cluster lacks; leaves existing ones as they are. */
public final class TopicAdmin {
    /**
     * How long start-up waits for Kafka to answer before it gives up with a reason: long enough for
     * a broker that is still starting, short enough that a wrong address is said within the minute.
     */
    public static final int REACH_TIMEOUT_SEC = 20;

    private TopicAdmin() {
    }

    /** Kafka did not answer at {@code bootstrapServers} in time, or refused to create the topics. */
    public static final class KafkaUnreachable extends RuntimeException {
        KafkaUnreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** {@link #ensureTopics(String, int)} with the default telemetry partitions. */
    public static void ensureTopics(String bootstrapServers) {
        ensureTopics(bootstrapServers, Topics.DEFAULT_TELEMETRY_PARTITIONS);
    }

    /** {@link #ensureTopics(String, int, KafkaClientSecurity)} over a PLAINTEXT connection. */
    public static Optional<String> ensureTopics(String bootstrapServers, int telemetryPartitions) {
        return ensureTopics(bootstrapServers, telemetryPartitions, KafkaClientSecurity.NONE);
    }

    /**
     * Creates the missing topics, the telemetry and prediction topics with {@code telemetryPartitions}
     * partitions. An existing topic keeps its partitions: adding partitions moves accelerators between
     * them (keys hash anew), which an operator does on purpose with Kafka's tools, never Perch at start-up.
     *
     * It is the first client of {@code demo}, {@code replay} and {@code run} to reach Kafka, so it is the
     * one that says when Kafka refuses Perch's credentials or Perch does not trust Kafka's certificate.
     *
     * @return the warning to log when the existing telemetry topic has another partition count, else empty
     * @throws KafkaUnreachable when Kafka does not answer within {@link #REACH_TIMEOUT_SEC}, refuses the
     *                          connection (credentials, certificate) or refuses the topics
     */
    public static Optional<String> ensureTopics(String bootstrapServers, int telemetryPartitions, KafkaClientSecurity security) {
        List<Topics.TopicSpec> wanted = Topics.withTelemetryPartitions(telemetryPartitions);
        Map<String, Object> settings = security.clientSettings(bootstrapServers);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, REACH_TIMEOUT_SEC * 1000);
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, REACH_TIMEOUT_SEC * 1000);
        try (Admin admin = Admin.create(settings)) {
            Set<String> existing = admin.listTopics().names().get(REACH_TIMEOUT_SEC, TimeUnit.SECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), Optional.of(t.partitions()), Optional.empty()).configs(t.configs()))
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(REACH_TIMEOUT_SEC, TimeUnit.SECONDS);
            }
            if (!existing.contains(Topics.TELEMETRY)) {
                return Optional.empty();
            }
            int actual = admin.describeTopics(List.of(Topics.TELEMETRY)).allTopicNames()
                    .get(REACH_TIMEOUT_SEC, TimeUnit.SECONDS).get(Topics.TELEMETRY).partitions().size();
            return actual == telemetryPartitions ? Optional.empty()
                    : Optional.of(Topics.TELEMETRY + " already exists with " + actual + " partitions, not the "
                    + telemetryPartitions + " of perch.kafka.telemetry-partitions; it keeps " + actual
                    + " (add partitions with kafka-topics.sh --alter)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnreachable("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw noAnswer(bootstrapServers, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            Optional<String> refusal = security.refusal(cause);
            if (refusal.isPresent()) {
                throw new KafkaUnreachable(refusal.get(), e);
            }
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw noAnswer(bootstrapServers, e);
            }
            String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage().lines().findFirst().orElse("");
            throw new KafkaUnreachable("cannot create Perch's topics on " + bootstrapServers + " (KAFKA_BOOTSTRAP_SERVERS): "
                    + reason, e);
        } catch (KafkaException e) {
            throw new KafkaUnreachable(security.unmadeClient(bootstrapServers, e), e);
        }
    }

    private static KafkaUnreachable noAnswer(String bootstrapServers, Exception e) {
        return new KafkaUnreachable("Kafka at " + bootstrapServers + " did not answer within " + REACH_TIMEOUT_SEC
                + " s (KAFKA_BOOTSTRAP_SERVERS)", e);
    }
}
