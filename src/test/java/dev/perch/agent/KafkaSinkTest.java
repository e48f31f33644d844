package dev.perch.agent;

import dev.perch.telemetry.Json;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The sink's promises with Kafka's own mock producer: keyed by accelerator, bounded, oldest dropped first, in order. */
class KafkaSinkTest {
    private static final long T0 = 1_764_201_600_000L;

    static TelemetryReport window(int second, String accelerator) {
        return new TelemetryReport(TelemetryReport.SCHEMA, "pi-1", accelerator, "gpu", "cam-1", "resnet_50",
                T0 + second * 1000L, T0 + (second + 1) * 1000L, 10, new LatencySummary(4.0, null, null, null, null),
                null, null, null);
    }

    /**
     * Waits for a condition the sink's own thread brings about; the test asserts what happened, not
     * when. Seen once is enough: asked again, a state the sink only passes through (the buffer
     * between two tries) may be gone.
     */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        fail(what);
    }

    @Test
    void publishesEachWindowToTheTelemetryTopicKeyedByAccelerator() throws Exception {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        AgentMetrics metrics = new AgentMetrics();
        try (KafkaSink sink = new KafkaSink(producer, metrics, 100)) {
            sink.accept(window(0, "pi-1/gpu0"));
            sink.accept(window(0, "pi-1/gpu1"));
            await(() -> metrics.publishedWindows() == 2, "both published");
        }
        List<ProducerRecord<String, byte[]>> sent = producer.history();
        assertEquals(List.of("pi-1/gpu0", "pi-1/gpu1"), sent.stream().map(ProducerRecord::key).toList());
        assertTrue(sent.stream().allMatch(r -> r.topic().equals(Topics.TELEMETRY)));
        assertEquals(window(0, "pi-1/gpu1"), Json.read(sent.get(1).value(), TelemetryReport.class));
    }

    @Test
    void whileKafkaCannotBeReachedTheNewestWaitAndTheOldestAreDroppedAndCounted() throws Exception {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        producer.sendException = new TimeoutException("Topic perch.telemetry.v1 not present in metadata after 60000 ms.");
        AgentMetrics metrics = new AgentMetrics();
        try (KafkaSink sink = new KafkaSink(producer, metrics, 5)) {
            IntStream.range(0, 8).forEach(s -> sink.accept(window(s, "pi-1/gpu0")));
            List<TelemetryReport> newest = IntStream.range(3, 8).mapToObj(s -> window(s, "pi-1/gpu0")).toList();
            // between two tries (a second apart) all five wait in the buffer, oldest first
            await(() -> metrics.droppedWindows(AgentMetrics.DropReason.BUFFER_FULL) == 3 && sink.waiting().equals(newest),
                    "three oldest dropped, five newest waiting");
            assertEquals(5, sink.buffered());
            producer.sendException = null; // Kafka is back
            await(() -> metrics.publishedWindows() == 5, "the waiting windows published once Kafka answers");
        }
        assertEquals(IntStream.range(3, 8).mapToObj(s -> T0 + s * 1000L).toList(),
                producer.history().stream().map(r -> Json.read(r.value(), TelemetryReport.class).windowStartMs()).toList(),
                "in order");
        assertEquals(0, metrics.droppedWindows(AgentMetrics.DropReason.SEND_FAILED));
    }

    @Test
    void aWindowKafkaGivesBackUnacknowledgedWaitsAgainAndOneItRefusesIsDropped() throws Exception {
        MockProducer<String, byte[]> producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        AgentMetrics metrics = new AgentMetrics();
        try (KafkaSink sink = new KafkaSink(producer, metrics, 10)) {
            sink.accept(window(0, "pi-1/gpu0"));
            await(() -> producer.history().size() == 1, "handed to the producer");
            producer.errorNext(new TimeoutException("Expiring 1 record(s): 120000 ms has passed since batch creation"));
            await(() -> producer.history().size() == 2, "the same window tried again");
            assertEquals(0, metrics.droppedWindows(AgentMetrics.DropReason.SEND_FAILED));
            producer.completeNext();
            await(() -> metrics.publishedWindows() == 1, "then published");

            sink.accept(window(1, "pi-1/gpu0"));
            await(() -> producer.history().size() == 3, "handed to the producer");
            producer.errorNext(new RecordTooLargeException("The message is 2000000 bytes"));
            await(() -> metrics.droppedWindows(AgentMetrics.DropReason.SEND_FAILED) == 1, "refused for good: dropped");
        }
        assertEquals(Json.read(producer.history().get(0).value(), TelemetryReport.class),
                Json.read(producer.history().get(1).value(), TelemetryReport.class));
    }

    @Test
    void whatIsStillBufferedWhenTheAgentStopsIsCounted() {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        producer.sendException = new TimeoutException("no metadata");
        AgentMetrics metrics = new AgentMetrics();
        KafkaSink sink = new KafkaSink(producer, metrics, 10);
        IntStream.range(0, 4).forEach(s -> sink.accept(window(s, "pi-1/gpu0")));
        sink.close();
        assertEquals(4, metrics.droppedWindows(AgentMetrics.DropReason.SHUTDOWN)
                + metrics.droppedWindows(AgentMetrics.DropReason.BUFFER_FULL));
        assertEquals(0, sink.buffered());
    }
}
