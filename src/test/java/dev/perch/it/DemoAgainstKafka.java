package dev.perch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.perch.FreePort;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged jar's {@code demo} of the one-app scenario {@value #SCENARIO} against a Kafka that is
 * not its own embedded broker (a container's, a secured one), configured only by the {@code KAFKA_*}
 * environment a user gives, and the check that telemetry went through that Kafka to predictions and
 * a placement: the broker's topics, read back with the same client settings, hold every telemetry
 * window the demo says it published, counted once, one prediction per window, a learned rate and
 * service time near the scenario's figures, and the controller's placement where the simulated
 * cluster ran the app.
 */
final class DemoAgainstKafka {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final String SCENARIO = "tiny-mixed";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DemoAgainstKafka() {
    }

    /**
     * Runs the demo with {@code kafkaEnvironment} (at least {@code KAFKA_BOOTSTRAP_SERVERS}), then
     * checks the broker's topics, reading them with {@code clientSettings} (the address and any
     * security settings); the demo's stderr is returned for further checks.
     */
    static String runAndCheck(Map<String, String> kafkaEnvironment, Map<String, Object> clientSettings) throws Exception {
        Path work = Files.createTempDirectory("perch-demo-against-kafka-");
        JsonNode summary = demo(kafkaEnvironment, work);
        JsonNode scenario = scenario();
        JsonNode app = scenario.get("apps").get(0);
        String appName = app.get("app").asText();
        JsonNode gpu = scenario.get("models").get(app.get("model").asText()).get("gpu");

        List<ConsumerRecord<String, String>> telemetry = readAll(clientSettings, "perch.telemetry.v1");
        List<ConsumerRecord<String, String>> predictions = readAll(clientSettings, "perch.predictions.v1");
        List<ConsumerRecord<String, String>> decisions = readAll(clientSettings, "perch.decisions.v1");

        long published = summary.get("telemetryRecords").asLong();
        assertTrue(published >= summary.get("simulatedSec").asDouble() * 0.9,
                "one window a second for the one app: " + summary);
        assertEquals(published, telemetry.size(), "every window the demo published is on the broker");
        assertEquals(published, summary.get("reportsCounted").asLong(), "the topology counted each report once");
        assertEquals(published, predictions.size(), "one prediction per window of the one accelerator");

        JsonNode latest = JSON.readTree(predictions.get(0).value());
        for (ConsumerRecord<String, String> record : predictions) {
            JsonNode prediction = JSON.readTree(record.value());
            latest = prediction.get("windowEndMs").asLong() > latest.get("windowEndMs").asLong() ? prediction : latest;
        }
        JsonNode last = latest.get("apps").get(0);
        assertEquals(appName, last.get("app").asText());
        assertEquals("learned", last.get("parameterSource").asText(), last.toString());
        double ratePerSec = app.get("ratePerSec").asDouble();
        assertEquals(ratePerSec, last.get("ratePerSec").asDouble(), 0.1 * ratePerSec, "learned rate: " + last);
        double serviceMs = gpu.get("serviceMs").asDouble();
        assertEquals(serviceMs, last.get("serviceMs").asDouble(), 0.05 * serviceMs, "learned service time: " + last);

        assertEquals(summary.get("decisions").asLong(), decisions.size(), "the decisions the demo counted are on the broker");
        JsonNode placement = JSON.readTree(decisions.get(0).value());
        assertEquals("place", placement.get("action").asText(), placement.toString());
        assertEquals(appName, placement.get("app").asText());
        assertEquals(summary.get("apps").get(0).get("accelerator").asText(), placement.get("to").asText(),
                "the simulated cluster ran the app where the decision put it");
        return Files.readString(work.resolve("err"), StandardCharsets.UTF_8);
    }

    /** The demo's one line of JSON. */
    private static JsonNode demo(Map<String, String> kafkaEnvironment, Path work) throws Exception {
        int httpPort = FreePort.pick();
        ProcessBuilder builder = new ProcessBuilder(List.of("java", "-Xmx512m", "-Dquarkus.http.port=" + httpPort,
                "-jar", JAR.toString(), "demo", "--scenario", SCENARIO, "--speed", "max"))
                .redirectOutput(work.resolve("out").toFile())
                .redirectError(work.resolve("err").toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("KAFKA_"));
        builder.environment().putAll(kafkaEnvironment);
        Process process = builder.start();
        if (!process.waitFor(6, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("demo did not end within 6 minutes; stderr in " + work.resolve("err"));
        }
        assertEquals(0, process.exitValue(), "exit code; stderr in " + work.resolve("err"));
        String stdout = Files.readString(work.resolve("out"), StandardCharsets.UTF_8).strip();
        assertEquals(1, stdout.lines().count(), "one line of JSON on stdout: " + stdout);
        return JSON.readTree(stdout);
    }

    private static JsonNode scenario() throws Exception {
        try (InputStream in = DemoAgainstKafka.class.getClassLoader()
                .getResourceAsStream("dev/perch/scenarios/" + SCENARIO + ".yaml")) {
            return YAML.readTree(in);
        }
    }

    /** Every committed record of {@code topic}, up to its end as it is now, partition by partition. */
    private static List<ConsumerRecord<String, String>> readAll(Map<String, Object> clientSettings, String topic) {
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertTrue(System.nanoTime() < deadlineNs, topic + " not read to its end " + ends + " within 60 s");
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            return records;
        }
    }
}
