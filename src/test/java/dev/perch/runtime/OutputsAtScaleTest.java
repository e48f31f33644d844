package dev.perch.runtime;

import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller's outputs, as the application wires them, take far more records than any buffer
 * holds without losing, reordering or failing one; and the demo at real time measures its telemetry lag.
 */
@QuarkusTest
@TestProfile(OutputsAtScaleTest.RealTime.class)
@QuarkusTestResource(EmbeddedKafkaResource.class)
class OutputsAtScaleTest {
    static final double DURATION_SEC = 6;
    private static final int APPS = 100;
    private static final int PER_APP = 200;

    public static class RealTime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("perch.scenario", "default", "perch.speed", "1", "perch.duration-sec", Double.toString(DURATION_SEC));
        }
    }

    @Inject
    KafkaOutputs outputs;
    @Inject
    RecordSender sender;
    @Inject
    DemoDriver demo;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void twentyThousandDecisionsInATightLoopAllArriveInOrderPerApp() {
        for (int i = 0; i < APPS * PER_APP; i++) {
            String app = "load-" + (i % APPS);
            outputs.decision(new DecisionRecord(DecisionRecord.SCHEMA, "d-" + i, i, app, "none", null, null,
                    Integer.toString(i / APPS), "test", null, false, List.of(), List.of()));
        }
        sender.flush();
        assertTrue(sender.failure().isEmpty(), sender.failure().toString());

        Map<String, List<Integer>> sequences = new HashMap<>();
        int read = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DECISIONS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read < APPS * PER_APP && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key().startsWith("load-")) {
                        DecisionRecord decision = Json.read(record.value(), DecisionRecord.class);
                        assertEquals(record.key(), decision.app(), "keyed by app");
                        sequences.computeIfAbsent(decision.app(), a -> new ArrayList<>()).add(Integer.parseInt(decision.reason()));
                        read++;
                    }
                }
            }
        }
        assertEquals(APPS * PER_APP, read, "every decision read back, none twice");
        assertEquals(APPS, sequences.size());
        for (var perApp : sequences.entrySet()) {
            List<Integer> expected = new ArrayList<>();
            for (int n = 0; n < PER_APP; n++) {
                expected.add(n);
            }
            assertEquals(expected, perApp.getValue(), "in the order sent: " + perApp.getKey());
        }
    }

    @Test
    void atRealTimeTheTelemetryLagIsSmallAndPositive() throws InterruptedException {
        DemoSummary summary = demo.run();
        assertTrue(summary.telemetryRecords() > 0, summary.toString());
        Double lag = summary.maxTelemetryLagSec();
        assertNotNull(lag, summary.toString());
        // Consumed after it is out, and on a shared 2-core machine well within a few commit intervals'
        // and polls' time of it: a bound loose enough not to flake, tight enough to catch a stall.
        assertTrue(lag > 0 && lag < 5, "maxTelemetryLagSec " + lag);
    }
}
