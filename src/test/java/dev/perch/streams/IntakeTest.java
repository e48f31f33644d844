package dev.perch.streams;

import dev.perch.telemetry.DeadLetterRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static dev.perch.streams.TopologyFixture.T0;
import static dev.perch.streams.TopologyFixture.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The intake re-initialised on its store (a restart, a moved task) admits exactly what one that never stopped admits. */
class IntakeTest {
    private static final long RETENTION_MS = 600_000;
    private static final String TPU = "pi-1/tpu0";

    @Test
    void reInitialisedEveryFewReportsItAdmitsWhatAnUninterruptedOneDoes() {
        List<TelemetryReport> input = new ArrayList<>();
        for (int s = 0; s < 40; s++) {
            input.add(report("a", "mobilenet_v2", TPU, s, 5, 20));
            input.add(report("b", "mobilenet_v2", TPU, s, 5, 20));
            if (s % 3 == 0) {
                input.add(report("a", "mobilenet_v2", TPU, s, 5, 20));
            }
            if (s % 7 == 6) {
                input.add(report("b", "mobilenet_v2", TPU, s - 4, 5, 20));
            }
        }
        List<String> uninterrupted = admitted(input, Integer.MAX_VALUE);
        List<String> restarted = admitted(input, 5);
        assertEquals(80, uninterrupted.size(), "every app's 40 windows once");
        assertEquals(uninterrupted, restarted);
    }

    /**
     * The count of reports admitted goes on across restarts and streams forgotten (their reports move
     * from their marks to the count's own entry), and from a store of the layout before, whose count
     * entry held every report.
     */
    @Test
    void theCountSurvivesRestartsForgettingAndTheLayoutBefore() {
        KeyValueStore<String, byte[]> store = store();
        MockProcessorContext<String, Object> context = context(store);
        store.put("n|reports-counted", longBytes(1000)); // the layout before: the whole count, marks without theirs
        Intake intake = new Intake(RETENTION_MS);
        intake.init(context);
        assertEquals(1000, counted(context));
        for (int s = 0; s < 5; s++) {
            intake.process(record(report("a", "mobilenet_v2", TPU, s, 5, 20)));
            intake.process(record(report("b", "mobilenet_v2", TPU, s, 5, 20)));
            intake.process(record(report("b", "mobilenet_v2", TPU, s, 5, 20))); // a re-send: not counted
        }
        assertEquals(1010, counted(context));
        intake.close();
        intake = new Intake(RETENTION_MS);
        intake.init(context);
        assertEquals(1010, counted(context), "restarted on the same store");

        // "a" goes silent; "b" and "c" report until a's marks are past the retention and forgotten.
        int gone = (int) (RETENTION_MS / 1000) + 10;
        for (int s = 5; s < gone; s++) {
            intake.process(record(report("b", "mobilenet_v2", TPU, s, 5, 20)));
            intake.process(record(report("c", "mobilenet_v2", TPU, s, 5, 20)));
        }
        context.setCurrentSystemTimeMs(T0 + gone * 1000L);
        // The latest intake's own timer (the mock context keeps those of the instances before too).
        context.scheduledPunctuators().get(context.scheduledPunctuators().size() - 1).getPunctuator().punctuate(T0 + gone * 1000L);
        assertNull(store.get(Intake.STREAM + "a\u0000" + TPU), "a's marks forgotten");
        long expected = 1010 + 2L * (gone - 5);
        assertEquals(expected, counted(context));
        intake.close();
        intake = new Intake(RETENTION_MS);
        intake.init(context);
        assertEquals(expected, counted(context), "restarted after a stream was forgotten");
    }

    /**
     * A store upgraded but not yet rewritten: a stream's new marks (with their reports) beside its
     * windows in the layout before, whose reports the old count holds; read back, neither is lost.
     */
    @Test
    void marksOfBothLayoutsTogetherKeepEveryReportCounted() {
        KeyValueStore<String, byte[]> store = store();
        MockProcessorContext<String, Object> context = context(store);
        String stream = "a\u0000" + TPU;
        store.put("n|reports-counted", longBytes(3)); // the layout before: windows 0–2, counted
        for (int s = 0; s <= 2; s++) {
            store.put("w|" + stream + "\u0000" + (T0 + s * 1000L), longBytes(T0 + s * 1000L));
        }
        store.put(Intake.STREAM + stream, StreamMarks.first(T0 + 3000, T0 + 4000).toBytes()); // window 3, after the upgrade
        Intake intake = new Intake(RETENTION_MS);
        intake.init(context);
        assertEquals(4, counted(context));
        intake.process(record(report("a", "mobilenet_v2", TPU, 3, 5, 20)));
        intake.process(record(report("a", "mobilenet_v2", TPU, 1, 5, 20)));
        assertTrue(context.forwarded().isEmpty(), "windows counted in either layout are re-sends");
    }

    private static long counted(MockProcessorContext<String, Object> context) {
        return Math.round(context.metrics().metrics().values().stream()
                .filter(m -> m.metricName().name().equals(Intake.COUNTED_METRIC))
                .mapToDouble(m -> ((Number) m.metricValue()).doubleValue()).max().orElseThrow());
    }

    @Test
    void marksWrittenInTheLayoutBeforeAreReadAndRewritten() {
        KeyValueStore<String, byte[]> store = store();
        MockProcessorContext<String, Object> context = context(store);
        // The layout before: a high-water mark and one key per exact window start.
        String stream = "a\u0000" + TPU;
        store.put("h|" + stream, longBytes(T0 + 3000));
        for (int s = 0; s <= 3; s++) {
            store.put("w|" + stream + "\u0000" + (T0 + s * 1000L), longBytes(T0 + s * 1000L));
        }
        Intake intake = new Intake(RETENTION_MS);
        intake.init(context);
        intake.process(record(report("a", "mobilenet_v2", TPU, 2, 5, 20)));
        assertTrue(context.forwarded().isEmpty(), "a window counted before the change is still dropped");
        intake.process(record(report("a", "mobilenet_v2", TPU, 4, 5, 20)));
        assertEquals(1, context.forwarded().size(), "a new one is admitted");

        context.scheduledPunctuators().get(0).getPunctuator().punctuate(T0 + 60_000);
        List<String> keys = new ArrayList<>();
        store.all().forEachRemaining(entry -> keys.add(entry.key));
        assertEquals(List.of("n|reports-counted", Intake.STREAM + stream), keys);
        // One report admitted since the change: the windows before are in the count of the layout before.
        assertEquals(new StreamMarks(T0 + 4000, new long[]{T0, T0 + 1, T0 + 1000, T0 + 1001, T0 + 2000, T0 + 2001,
                T0 + 3000, T0 + 3001, T0 + 4000, T0 + 5000}, 1), StreamMarks.fromBytes(store.get(Intake.STREAM + stream)));
    }

    /**
     * Two streams from a node whose clock jumped a year ahead: refused with the reason, and the
     * partition's other streams, which they would have made look gone for good, are still counted.
     */
    @Test
    void reportsFarAheadAreRefusedAndAgeNoOne() {
        MockProcessorContext<String, Object> context = context(store());
        context.setCurrentSystemTimeMs(T0 + 5_000);
        Intake intake = new Intake(RETENTION_MS);
        intake.init(context);
        for (int s = 0; s < 3; s++) {
            intake.process(record(report("a", "mobilenet_v2", TPU, s, 5, 20)));
            intake.process(record(report("b", "mobilenet_v2", TPU, s, 5, 20)));
        }
        int yearSec = 365 * 86_400;
        intake.process(record(report("x", "mobilenet_v2", TPU, yearSec, 5, 20)));
        intake.process(record(report("y", "mobilenet_v2", TPU, yearSec, 5, 20)));
        List<String> reasons = deadLetters(context);
        assertEquals(2, reasons.size(), reasons::toString);
        assertTrue(reasons.get(0).startsWith("windowStartMs " + (T0 + yearSec * 1000L) + " is 31535995 s ahead of the "
                + "topology's time"), reasons.get(0));

        context.scheduledPunctuators().get(0).getPunctuator().punctuate(T0 + 60_000);
        intake.process(record(report("a", "mobilenet_v2", TPU, 3, 5, 20)));
        assertEquals(List.of("a@0", "b@0", "a@1", "b@1", "a@2", "b@2", "a@3"), admittedApps(context));
    }

    /**
     * Two streams 50 minutes ahead (inside the bound, so admitted) cannot make the partition's other
     * streams look gone either: forgetting goes by the partition's window time or the wall clock,
     * whichever is earlier.
     */
    @Test
    void streamsAheadInsideTheBoundAreAdmittedAndAgeNoOne() {
        MockProcessorContext<String, Object> context = context(store());
        context.setCurrentSystemTimeMs(T0 + 5_000);
        Intake intake = new Intake(RETENTION_MS);
        intake.init(context);
        intake.process(record(report("a", "mobilenet_v2", TPU, 0, 5, 20)));
        intake.process(record(report("b", "mobilenet_v2", TPU, 0, 5, 20)));
        intake.process(record(report("x", "mobilenet_v2", TPU, 3000, 5, 20)));
        intake.process(record(report("y", "mobilenet_v2", TPU, 3000, 5, 20)));
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(T0 + 60_000);
        intake.process(record(report("a", "mobilenet_v2", TPU, 1, 5, 20)));
        intake.process(record(report("c", "mobilenet_v2", TPU, 1, 5, 20)));
        assertEquals(List.of("a@0", "b@0", "x@3000", "y@3000", "a@1", "c@1"), admittedApps(context));
        assertTrue(deadLetters(context).isEmpty());
    }

    /**
     * A run ahead of the wall clock ({@code demo --speed max}: simulated time starts at the wall
     * clock and runs faster) is never refused: each window is just after its partition's newest, and
     * so is a stream new to the partition hours ahead of the wall clock.
     */
    @Test
    void aRunAheadOfTheWallClockIsNeverRefused() {
        MockProcessorContext<String, Object> context = context(store());
        context.setCurrentSystemTimeMs(T0);
        Intake intake = new Intake(RETENTION_MS);
        intake.init(context);
        // Three hours of simulated time with the wall clock standing still; a window every 30 s keeps the test short.
        int windows = 3 * 3600 / 30;
        for (int w = 0; w < windows; w++) {
            intake.process(record(report("a", "mobilenet_v2", TPU, w * 30, 5, 20)));
        }
        intake.process(record(report("new", "mobilenet_v2", TPU, windows * 30, 5, 20)));
        assertTrue(deadLetters(context).isEmpty(), () -> deadLetters(context).get(0));
        assertEquals(windows + 1, admittedApps(context).size());
    }

    private static List<String> deadLetters(MockProcessorContext<String, Object> context) {
        List<String> reasons = new ArrayList<>();
        context.forwarded(PerchTopology.DLQ_SINK).forEach(f -> reasons.add(((DeadLetterRecord) f.record().value()).reason()));
        return reasons;
    }

    private static List<String> admittedApps(MockProcessorContext<String, Object> context) {
        List<String> out = new ArrayList<>();
        context.forwarded(PerchTopology.ASSESSOR).forEach(f -> {
            TelemetryReport report = ((Admitted) f.record().value()).report();
            out.add(report.app() + "@" + (report.windowStartMs() - T0) / 1000);
        });
        return out;
    }

    /** The apps and window starts the intake forwards, re-initialised on the same store every {@code restartEvery} reports. */
    private static List<String> admitted(List<TelemetryReport> input, int restartEvery) {
        MockProcessorContext<String, Object> context = context(store());
        Intake intake = null;
        for (int i = 0; i < input.size(); i++) {
            if (i % restartEvery == 0) {
                intake = new Intake(RETENTION_MS);
                intake.init(context);
            }
            context.setRecordMetadata(Topics.TELEMETRY, 0, i);
            intake.process(record(input.get(i)));
        }
        List<String> out = new ArrayList<>();
        context.forwarded().forEach(f -> {
            TelemetryReport report = ((Admitted) f.record().value()).report();
            out.add(report.app() + "@" + report.windowStartMs());
        });
        return out;
    }

    private static Record<String, byte[]> record(TelemetryReport report) {
        return new Record<>(report.accelerator(), Json.writeBytes(report), report.windowEndMs());
    }

    private static KeyValueStore<String, byte[]> store() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Intake.DEDUP_STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
    }

    private static MockProcessorContext<String, Object> context(KeyValueStore<String, byte[]> store) {
        MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(T0);
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return context;
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }
}
