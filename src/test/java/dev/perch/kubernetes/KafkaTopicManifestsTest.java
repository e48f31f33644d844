package dev.perch.kubernetes;

import dev.perch.telemetry.Topics;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code deploy/base/kafka-topics.yaml} — one Strimzi KafkaTopic per topic of the stream contract —
 * is generated from {@link Topics#ALL} (which {@code TopicsContractTest} keeps equal to
 * {@code topology/topics.yaml}) and committed; this test fails when they differ. Regenerate with
 * {@code mvn test -Dtest=KafkaTopicManifestsTest -Dperch.regenerate=true}.
 */
class KafkaTopicManifestsTest {
    static final Path COMMITTED = Path.of("deploy/base/kafka-topics.yaml");

    static String generate() {
        StringBuilder yaml = new StringBuilder("""
                # Generated from dev.perch.telemetry.Topics (= topology/topics.yaml) by KafkaTopicManifestsTest; do not edit.
                # Strimzi KafkaTopics for the stream contract; the label names the Kafka cluster (set yours in an overlay).
                # perch-telemetry-v1's partitions bound how many topology instances share the work: raise them
                # (and perch-predictions-v1's) with a patch in an overlay; Kafka only ever adds partitions.
                """);
        for (Topics.TopicSpec topic : Topics.ALL) {
            yaml.append("---\n")
                    .append("apiVersion: kafka.strimzi.io/v1beta2\n")
                    .append("kind: KafkaTopic\n")
                    .append("metadata:\n")
                    .append("  name: ").append(topic.name().replace('.', '-')).append('\n')
                    .append("  labels:\n")
                    .append("    strimzi.io/cluster: perch-kafka\n")
                    .append("spec:\n")
                    .append("  topicName: ").append(topic.name()).append('\n')
                    .append("  partitions: ").append(topic.partitions()).append('\n')
                    .append("  replicas: 3\n")
                    .append("  config:\n");
            Map<String, String> configs = new TreeMap<>(topic.configs());
            configs.forEach((key, value) -> yaml.append("    ").append(key).append(": \"").append(value).append("\"\n"));
        }
        return yaml.toString();
    }

    @Test
    void theCommittedKafkaTopicsAreTheContractsTopics() throws Exception {
        String expected = generate();
        if (Boolean.getBoolean("perch.regenerate")) {
            Files.writeString(COMMITTED, expected);
        }
        assertEquals(expected, Files.readString(COMMITTED), "deploy/base/kafka-topics.yaml is stale; regenerate it");
    }
}
