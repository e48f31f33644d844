package dev.perch.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.cluster.RunningApp;
import dev.perch.controller.Reconciler;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.MeanSummary;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole application against a real Kafka broker: telemetry in, alert, decision out, the
 * simulated cluster changed; and a bad record to the dead-letter topic without stopping anything.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaResource.class)
class EndToEndTest {
    @Inject
    Reconciler reconciler;
    @Inject
    SimulatedCluster cluster;
    @Inject
    KafkaStreams streams;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void telemetryShowingAViolationLeadsToAnAlertAndAMove() throws Exception {
        awaitRunning();
        reconciler.pass();
        RunningApp cam3 = cluster.snapshot().app("cam-3").orElseThrow();
        String from = cam3.accelerator().orElseThrow();
        String node = from.substring(0, from.indexOf('/'));

        try (KafkaProducer<String, byte[]> producer = producer();
             KafkaConsumer<String, String> alerts = consumer(Topics.ALERTS);
             KafkaConsumer<String, String> decisions = consumer(Topics.DECISIONS);
             KafkaConsumer<String, String> dlq = consumer(Topics.DLQ)) {
            // cam-3 (SLO: mean 100 ms) reports 250 ms a window. The apps table reaches the
            // topology's global store asynchronously, so keep reporting until the alert comes.
            // Placing an app starts its cooldown: let 40 s of simulated time pass (its telemetry unsent).
            for (int second = 0; second < 40; second++) {
                cluster.advanceWindow();
            }
            Optional<JsonNode> alert = Optional.empty();
            long end = cluster.nowEpochMs();
            for (int window = 0; window < 120 && alert.isEmpty(); window++) {
                long windowEnd = end - 60_000 + window * 500L; // inside the controller's staleness bound
                TelemetryReport report = new TelemetryReport(TelemetryReport.SCHEMA, node, from, "edgetpu", "cam-3",
                        "efficientnet-S", windowEnd - 1000, windowEnd, 8, new LatencySummary(250.0, 240.0, 400.0, 450.0, 500.0),
                        new MeanSummary(10.0), new MeanSummary(200.0), 3L);
                producer.send(new ProducerRecord<>(Topics.TELEMETRY, from, Json.writeBytes(report))).get();
                alert = poll(alerts, Duration.ofMillis(500)).stream()
                        .map(r -> Json.read(r.value(), JsonNode.class))
                        .filter(a -> a.get("app").asText().equals("cam-3")).findFirst();
            }
            assertTrue(alert.isPresent(), "an alert for cam-3 within 60 s");
            assertEquals("violation", alert.get().get("kind").asText());
            assertEquals(from, alert.get().get("accelerator").asText());

            JsonNode move = null;
            long deadline = System.currentTimeMillis() + 30_000;
            while (move == null && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : poll(decisions, Duration.ofMillis(500))) {
                    JsonNode decision = Json.read(record.value(), JsonNode.class);
                    if (decision.get("app").asText().equals("cam-3") && decision.get("action").asText().equals("move")) {
                        assertEquals("cam-3", record.key(), "decisions are keyed by app");
                        move = decision;
                    }
                }
            }
            assertTrue(move != null, "a move decision for cam-3");
            assertEquals(from, move.get("from").asText());
            assertNotEquals(from, move.get("to").asText());
            assertEquals("patched", move.get("result").asText());
            assertTrue(move.get("trigger").asText().startsWith("violation alert"), move.get("trigger").asText());
            assertTrue(move.get("after").size() > 0, "the decision carries the predictions after the move");
            assertEquals(move.get("to").asText(), cluster.snapshot().app("cam-3").orElseThrow().migratingTo().orElseThrow(),
                    "the simulated cluster is moving cam-3");

            // What operators see: the predictions that led here as gauges, the decision counted.
            String scraped = "";
            deadline = System.currentTimeMillis() + 30_000;
            while (!scraped.contains("perch_app_predicted_latency_ms{app=\"cam-3\"") && System.currentTimeMillis() < deadline) {
                scraped = given().get("/q/metrics").then().statusCode(200).extract().asString();
            }
            assertTrue(scraped.contains("perch_app_predicted_latency_ms{app=\"cam-3\",statistic=\"mean\"}"), "cam-3's prediction");
            assertTrue(scraped.contains("perch_app_slo_met{app=\"cam-3\"}"), "cam-3's SLO state");
            assertTrue(scraped.contains("perch_decisions_total{action=\"move\",result=\"patched\"}"), "the move counted");
            assertTrue(scraped.contains("perch_controller_leader 1.0"), "this process decides");

            // A bad record goes to the dead-letter topic; the pipeline keeps going.
            producer.send(new ProducerRecord<>(Topics.TELEMETRY, from, "{oops".getBytes(StandardCharsets.UTF_8))).get();
            JsonNode letter = null;
            deadline = System.currentTimeMillis() + 30_000;
            while (letter == null && System.currentTimeMillis() < deadline) {
                List<ConsumerRecord<String, String>> records = poll(dlq, Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    letter = Json.read(records.get(0).value(), JsonNode.class);
                }
            }
            assertTrue(letter != null, "a dead letter");
            assertEquals("{oops", letter.get("payload").asText());
            assertTrue(letter.get("reason").asText().startsWith("malformed JSON"));
            assertEquals(KafkaStreams.State.RUNNING, streams.state());
        }
    }

    @Test
    void healthAndMetricsAreServed() throws InterruptedException {
        awaitRunning();
        // Liveness turns UP once Streams and the messaging channels have started: allow them a moment.
        long deadline = System.currentTimeMillis() + 30_000;
        while (given().get("/q/health/live").statusCode() != 200 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        given().get("/q/health/live").then().statusCode(200);
        // Perch's own check that Kafka answers (KafkaHealth) is among the readiness checks, UP here.
        String kafkaCheck = "checks.find { it.name == 'perch-kafka' }";
        while (!"UP".equals(given().get("/q/health/ready").path(kafkaCheck + ".status")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        given().get("/q/health/ready").then().body(kafkaCheck + ".status", org.hamcrest.Matchers.equalTo("UP"))
                .body(kafkaCheck + ".data.kafka", org.hamcrest.Matchers.startsWith("127.0.0.1:"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    private void awaitRunning() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (streams.state() != KafkaStreams.State.RUNNING && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(KafkaStreams.State.RUNNING, streams.state());
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<String, String> consumer(String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static List<ConsumerRecord<String, String>> poll(KafkaConsumer<String, String> consumer, Duration timeout) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        consumer.poll(timeout).forEach(out::add);
        return out;
    }
}
