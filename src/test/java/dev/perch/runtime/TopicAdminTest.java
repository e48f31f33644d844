package dev.perch.runtime;

import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The telemetry topic's partitions are a setting applied when Perch creates the topic, and only
 * then: on a real broker, a first start creates telemetry and predictions with the setting (every
 * other topic as the contract says), and a later start with another setting leaves them as they are
 * and says so.
 */
class TopicAdminTest {
    @Test
    void createsTelemetryWithTheConfiguredPartitionsAndLeavesAnExistingTopicAsItIs() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, null);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            assertEquals(Optional.empty(), TopicAdmin.ensureTopics(broker.bootstrapServers(), 12));

            Map<String, TopicDescription> topics = admin.describeTopics(
                    Topics.ALL.stream().map(Topics.TopicSpec::name).toList()).allTopicNames().get();
            assertEquals(12, topics.get(Topics.TELEMETRY).partitions().size());
            assertEquals(12, topics.get(Topics.PREDICTIONS).partitions().size());
            assertEquals(1, topics.get(Topics.APPS).partitions().size(), "compacted tables stay single-partition");
            assertEquals(3, topics.get(Topics.DECISIONS).partitions().size());

            Optional<String> warning = TopicAdmin.ensureTopics(broker.bootstrapServers(), 4);
            assertTrue(warning.orElse("").contains("already exists with 12 partitions"), warning.toString());
            assertEquals(12, admin.describeTopics(List.of(Topics.TELEMETRY)).allTopicNames().get()
                    .get(Topics.TELEMETRY).partitions().size());
        }
    }

    @Test
    void aPartitionCountOutsideOneToTheMaximumIsRefusedWithTheSettingsName() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> Topics.withTelemetryPartitions(0));
        assertTrue(zero.getMessage().startsWith("perch.kafka.telemetry-partitions must be 1–1000"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Topics.withTelemetryPartitions(Topics.MAX_PARTITIONS + 1));
        assertEquals(Topics.ALL, Topics.withTelemetryPartitions(Topics.DEFAULT_TELEMETRY_PARTITIONS));
    }
}
