package dev.perch.agent;

import dev.perch.runtime.EmbeddedKafka;
import dev.perch.runtime.Pipeline;
import dev.perch.runtime.TopicAdmin;
import dev.perch.telemetry.TelemetryParser;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The scrape path against a real broker (the embedded one, on a free port): windows scraped from a
 * Triton endpoint reach {@code perch.telemetry.v1} through the producer settings every Perch
 * producer uses, keyed by accelerator, as records the topology admits.
 */
class AgentKafkaTest {
    private static final long T0 = 1_764_201_600_000L;

    @Test
    void scrapedWindowsArriveOnTheTelemetryTopicKeyedByAccelerator() throws Exception {
        ServerSchedule gpu0 = new ServerSchedule().phase(T0 - 10_000, T0 + 10_000, 40, 1.0, 0.2, 5.0, 0.2, 0.1);
        ServerSchedule gpu1 = new ServerSchedule().phase(T0 - 10_000, T0 + 10_000, 10, 3.0, 0.5, 20.0, 0.5, 0.0);
        AtomicLong clock = new AtomicLong(T0);
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, null);
             FakeInferenceServer server = new FakeInferenceServer(clock::get, now -> ServerSchedule.tritonPage(
                     List.of("resnet50_onnx", "inception"), List.of(gpu0.counters(now), gpu1.counters(now))), 1_000)) {
            TopicAdmin.ensureTopics(broker.bootstrapServers());
            AgentConfig config = AgentConfigReader.parse("""
                    node: pi-1
                    targets:
                      - url: %s
                        preset: triton
                        timeoutMs: 900
                        apps:
                          - {app: cam-1, serverModel: resnet50_onnx, model: resnet_50, accelerator: pi-1/gpu0, acceleratorType: gpu}
                          - {app: cam-2, serverModel: inception, model: inception_v4, accelerator: pi-1/gpu1, acceleratorType: gpu}
                    push: {port: 0}
                    """.formatted(server.url()), "test.yaml");
            AgentMetrics metrics = new AgentMetrics();
            KafkaSink sink = new KafkaSink(Pipeline.telemetryProducer(broker.bootstrapServers(), "perch-agent-test", 5), metrics,
                    KafkaSink.DEFAULT_BUFFER_WINDOWS);
            try (ScrapeLoop loop = new ScrapeLoop(config, sink, metrics, clock::get)) {
                for (int s = 0; s <= 3; s++) {
                    clock.set(T0 + s * 1_000L);
                    loop.round(clock.get()).get(10, TimeUnit.SECONDS);
                }
            }
            sink.close(); // delivers what it holds
            assertEquals(6, metrics.publishedWindows(), "three seconds of two apps, acknowledged by the broker");

            List<ConsumerRecord<String, byte[]>> records = consume(broker.bootstrapServers(), 6);
            for (ConsumerRecord<String, byte[]> record : records) {
                TelemetryReport report = ((TelemetryParser.Result.Valid) assertInstanceOf(TelemetryParser.Result.Valid.class,
                        TelemetryParser.parse(record.value()))).report();
                assertEquals(report.accelerator(), record.key(), "keyed by accelerator");
                ServerSchedule schedule = report.app().equals("cam-1") ? gpu0 : gpu1;
                ServerSchedule.Phase phase = schedule.at(report.windowStartMs());
                assertEquals(phase.ratePerSec(), report.requests());
                assertEquals(phase.latencyMs(), report.latencyMs().mean(), 1e-6);
            }
            assertEquals(3, records.stream().filter(r -> r.key().equals("pi-1/gpu1")).count());
        }
    }

    private static List<ConsumerRecord<String, byte[]>> consume(String bootstrap, int expected) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "agent-kafka-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.TELEMETRY));
            for (int polls = 0; polls < 60 && records.size() < expected; polls++) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        assertEquals(expected, records.size());
        return records;
    }
}
