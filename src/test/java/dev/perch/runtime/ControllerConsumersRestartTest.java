package dev.perch.runtime;

import dev.perch.ApplicationProperties;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller's consumers of alerts and predictions, configured as {@code application.properties}
 * configures them, come back at once when the process is killed without leaving its groups (kill -9,
 * an OOM kill) and started again, broker and all, on the same data: the new consumer takes the gone
 * one's place. Dynamic members waited out the gone member's session (45 s from the broker's restart),
 * and the restarted demo's controller saw no alert for that long (issue 23, kill-9).
 */
class ControllerConsumersRestartTest {
    /** Far below the 45 s session a gone dynamic member holds its group for. */
    private static final Duration ASSIGNED_WITHIN = Duration.ofSeconds(15);

    @Test
    void aControllerKilledAndStartedAgainGetsItsPartitionsAtOnce() throws Exception {
        Path data = Files.createTempDirectory("perch-consumers-restart-");
        Map<String, Map<String, Object>> settings = Map.of(Topics.ALERTS, settings("alerts"), Topics.PREDICTIONS, settings("predictions"));
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, data)) {
            TopicAdmin.ensureTopics(broker.bootstrapServers());
            for (var entry : settings.entrySet()) {
                KafkaConsumer<String, String> killed = consumer(broker.bootstrapServers(), entry.getValue());
                killed.subscribe(List.of(entry.getKey()));
                assertTrue(awaitAssigned(killed).isPresent(), entry.getKey() + ": the first consumer gets its partitions");
                // What a kill leaves behind: a member that never said it left.
                killed.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
            }
        }
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, data);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            for (var entry : settings.entrySet()) {
                try (KafkaConsumer<String, String> restarted = consumer(broker.bootstrapServers(), entry.getValue())) {
                    restarted.subscribe(List.of(entry.getKey()));
                    Optional<Set<TopicPartition>> assigned = awaitAssigned(restarted);
                    assertTrue(assigned.isPresent(), entry.getKey() + ": the restarted consumer got no partitions within "
                            + ASSIGNED_WITHIN + ": it waits for the killed one to time out");
                    int partitions = admin.describeTopics(List.of(entry.getKey())).allTopicNames().get().get(entry.getKey())
                            .partitions().size();
                    assertEquals(partitions, assigned.get().size(), entry.getKey() + ": every partition");
                    String group = (String) entry.getValue().get(ConsumerConfig.GROUP_ID_CONFIG);
                    ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                    assertEquals(List.of(entry.getValue().get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)),
                            description.members().stream().map(m -> m.groupInstanceId().orElse(null)).toList(),
                            entry.getKey() + ": the restarted consumer took the killed one's place");
                    assertEquals(1, description.members().stream().map(MemberDescription::consumerId).distinct().count());
                }
            }
        }
    }

    /**
     * The channel's Kafka settings as {@code application.properties} has them (the identity in
     * their names as on a controller whose identity is {@code local}).
     */
    private static Map<String, Object> settings(String channel) throws Exception {
        Properties properties = ApplicationProperties.load();
        String prefix = "mp.messaging.incoming." + channel + ".";
        Map<String, Object> settings = new HashMap<>();
        for (String key : List.of(ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, ConsumerConfig.ISOLATION_LEVEL_CONFIG)) {
            String value = properties.getProperty(prefix + key);
            if (value != null) {
                settings.put(key, value.replace("${perch.kubernetes.identity:${HOSTNAME:local}}", "local"));
            }
        }
        assertTrue(settings.containsKey(ConsumerConfig.GROUP_ID_CONFIG), channel + ": a group");
        return settings;
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap, Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    private static Optional<Set<TopicPartition>> awaitAssigned(KafkaConsumer<String, String> consumer) {
        long deadline = System.nanoTime() + ASSIGNED_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100));
            if (!consumer.assignment().isEmpty()) {
                return Optional.of(consumer.assignment());
            }
        }
        return Optional.empty();
    }
}
