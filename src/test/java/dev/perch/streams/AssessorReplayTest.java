package dev.perch.streams;

import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.JsonSerde;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.perch.streams.TopologyFixture.T0;
import static dev.perch.streams.TopologyFixture.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accelerator-assessor re-initialised mid-stream (as a task is after a restart, a move or an
 * exactly-once failure) goes on from its stores exactly as one that never stopped: the state read back
 * with its log replayed is what the processor held.
 */
class AssessorReplayTest {
    /** The bias learned within a few windows, so that every window's decisions show in the next ones. */
    private static final TopologySettings SETTINGS;

    static {
        TopologySettings base = TopologySettings.defaults(ScenarioReader.defaultCatalog());
        Learning l = base.learning();
        SETTINGS = new TopologySettings(base.catalog(), base.trendMs(), base.horizonSec(), base.dedupRetentionMs(),
                base.frontendCv(), base.hysteresis(), new Learning(l.changeWindowMs(), l.changeSigmas(),
                l.serviceMemoryWindows(), l.priorWeight(), l.swapPriorWeight(), l.priorRelativeError(), l.biasDeadZone(),
                l.maxBias(), 2), base.idleClose());
    }

    @Test
    void reInitialisedEveryFewReportsItForwardsWhatAnUninterruptedOneDoes() {
        List<Record<String, Object>> input = input();
        List<String> uninterrupted = run(input, 0, Integer.MAX_VALUE);
        assertTrue(uninterrupted.size() > 40, "predictions and alerts: " + uninterrupted.size());
        assertTrue(uninterrupted.stream().anyMatch(s -> s.contains("\"kind\":\"impending\"")), "the load raises an alert");
        // Checkpoints every 3 s of windows and the default's every 22 s: state and log both read back.
        for (long checkpointEveryMs : new long[]{3_000, Assessor.CHECKPOINT_EVERY_MS}) {
            List<String> expected = new ArrayList<>(uninterrupted);
            List<String> restarted = run(input, checkpointEveryMs, 13);
            // What each holds at the end (the restarted one read back from its stores once more) is the same too.
            assertEquals(expected.remove(expected.size() - 1), restarted.remove(restarted.size() - 1));
            assertEquals(expected, restarted);
        }
    }

    /** Three apps on one Edge TPU, one of them climbing, a late report now and then. */
    private static List<Record<String, Object>> input() {
        List<Record<String, Object>> input = new ArrayList<>();
        for (int s = 0; s < 90; s++) { // past the apps' 60 s SLO window: slots leave it after restarts
            List<TelemetryReport> reports = new ArrayList<>(List.of(
                    report("a", "mobilenet_v2", "pi-1/tpu0", s, 10, 20),
                    report("b", "inception_v4", "pi-1/tpu0", s, 2 + s / 4, 150 + 4.0 * s),
                    report("c", "mobilenet_v2", "pi-1/tpu0", s, 5, 20)));
            if (s % 9 == 4) {
                reports.add(report("c", "mobilenet_v2", "pi-1/tpu0", s - 2, 5, 20));
            }
            for (TelemetryReport r : reports) {
                input.add(new Record<>(r.accelerator(), new Admitted(r, Json.writeBytes(r)), r.windowEndMs()));
            }
        }
        return input;
    }

    /** What the assessor forwards, as JSON, re-initialised on the same stores every {@code restartEvery} reports. */
    private static List<String> run(List<Record<String, Object>> input, long checkpointEveryMs, int restartEvery) {
        MockProcessorContext<String, Object> context = context(Map.of("a", "pi-1/tpu0", "b", "pi-1/tpu0", "c", "pi-1/tpu0"));
        Assessor assessor = null;
        for (int i = 0; i < input.size(); i++) {
            if (i % restartEvery == 0) {
                assessor = new Assessor(SETTINGS, new CheckpointPhases(checkpointEveryMs), new TableChanges());
                assessor.init(context);
            }
            process(context, assessor, input.get(i), i);
        }
        List<String> out = new ArrayList<>();
        context.forwarded().forEach(f -> out.add(Json.write(f.record().value())));
        KeyValueStore<String, AcceleratorState> states = context.getStateStore(Assessor.STATE_STORE);
        assertNotNull(states.get("pi-1/tpu0"), "the state was written (a checkpoint) during the run");
        if (restartEvery < input.size()) {
            assessor = new Assessor(SETTINGS, new CheckpointPhases(checkpointEveryMs), new TableChanges());
            assessor.init(context);
        }
        out.add(java.util.Base64.getEncoder().encodeToString(AcceleratorStateSerde.write(assessor.held("pi-1/tpu0"))));
        return out;
    }

    @Test
    void eachAcceleratorIsWrittenOncePerPeriodAndTheLogStaysLevel() {
        // 40 Edge TPUs of two apps each, every app reporting every second, in step, in four tasks of ten
        // (each task its own assessor and stores, the instance's phases shared).
        int tasks = 4;
        int perTask = 10;
        long periodMs = 10_000;
        CheckpointPhases phases = new CheckpointPhases(periodMs);
        List<MockProcessorContext<String, Object>> contexts = new ArrayList<>();
        List<Assessor> assessors = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            Map<String, String> placed = new HashMap<>();
            for (int a = t * perTask; a < (t + 1) * perTask; a++) {
                placed.put("x" + a, "pi-" + a + "/tpu0");
                placed.put("y" + a, "pi-" + a + "/tpu0");
            }
            contexts.add(context(placed));
            assessors.add(new Assessor(SETTINGS, phases, new TableChanges()));
            assessors.get(t).init(contexts.get(t));
        }
        int offset = 0;
        List<Long> logged = new ArrayList<>();
        for (int s = 0; s < 120; s++) {
            for (int a = 0; a < tasks * perTask; a++) {
                for (String app : List.of("x" + a, "y" + a)) {
                    TelemetryReport r = report(app, "mobilenet_v2", "pi-" + a + "/tpu0", s, 5, 20);
                    process(contexts.get(a / perTask), assessors.get(a / perTask), new Record<>(r.accelerator(),
                            new Admitted(r, Json.writeBytes(r)), r.windowEndMs()), offset++);
                }
            }
            if (s >= 30) {
                long windows = 0;
                for (MockProcessorContext<String, Object> context : contexts) {
                    KeyValueStore<String, byte[]> pending = context.getStateStore(Assessor.PENDING_STORE);
                    windows += pending.approximateNumEntries();
                    // One window's log under each key: an accelerator holds less than a period of them.
                    Map<String, Integer> perAccelerator = new HashMap<>();
                    try (var all = pending.all()) {
                        all.forEachRemaining(e -> perAccelerator.merge(e.key.substring(0, e.key.indexOf('\u0000')), 1,
                                Integer::sum));
                    }
                    perAccelerator.forEach((id, held) -> assertTrue(held < periodMs / 1000,
                            id + " holds " + held + " windows of log"));
                }
                logged.add(windows);
            }
        }
        for (MockProcessorContext<String, Object> context : contexts) {
            KeyValueStore<String, AcceleratorState> states = context.getStateStore(Assessor.STATE_STORE);
            assertEquals(perTask, states.approximateNumEntries(), "every accelerator's state written");
        }
        // Each accelerator's log climbs from 0 to 9 windows and is emptied: 4.5 on average, 180 for 40.
        // Phases drawn at random would move the sum by about √40 × 2.9 ≈ 18 windows either way, and a
        // sequence of phases per task by as much (the tasks' alike); spread evenly over the instance,
        // 4 accelerators to each phase of the ten, it hardly moves.
        long low = logged.stream().mapToLong(Long::longValue).min().orElseThrow();
        long high = logged.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(low >= 170 && high <= 190, "the log held " + low + " to " + high + " windows");
    }

    @Test
    void restartsFasterThanThePeriodStillWriteTheState() {
        // Four Edge TPUs, the assessor re-initialised every second as in a new process, whose k-th
        // accelerator read gets the k-th phase of a new sequence. pi-0 is read each second where its
        // phase puts no period's start between its last window and this one, so only the backstop
        // writes its state: at two periods of one-second windows.
        long periodMs = 5_000;
        CheckpointPhases periods = new CheckpointPhases(periodMs);
        long[] phaseMs = new long[4];
        for (int k = 0; k < phaseMs.length; k++) {
            phaseMs[k] = periods.nextMs();
        }
        Map<String, String> placed = new HashMap<>();
        for (int a = 0; a < 4; a++) {
            placed.put("x" + a, "pi-" + a + "/tpu0");
        }
        MockProcessorContext<String, Object> context = context(placed);
        KeyValueStore<String, byte[]> pending = context.getStateStore(Assessor.PENDING_STORE);
        KeyValueStore<String, AcceleratorState> states = context.getStateStore(Assessor.STATE_STORE);
        int offset = 0;
        int most = 0;
        boolean written = false;
        for (int s = 0; s < 100; s++) {
            long startMs = T0 + s * 1000L;
            int first = 0;
            while (periods.periodOf(startMs - 1000, phaseMs[first]) != periods.periodOf(startMs, phaseMs[first])) {
                first++;
            }
            List<Integer> order = new ArrayList<>(List.of(1, 2, 3));
            order.add(first, 0);
            Assessor assessor = new Assessor(SETTINGS, new CheckpointPhases(periodMs), new TableChanges());
            assessor.init(context);
            for (int a : order) {
                TelemetryReport r = report("x" + a, "mobilenet_v2", "pi-" + a + "/tpu0", s, 5, 20);
                process(context, assessor, new Record<>(r.accelerator(), new Admitted(r, Json.writeBytes(r)),
                        r.windowEndMs()), offset++);
            }
            int logged = 0;
            try (var all = pending.prefixScan("pi-0/tpu0\u0000", Serdes.String().serializer())) {
                while (all.hasNext()) {
                    all.next();
                    logged++;
                }
            }
            most = Math.max(most, logged);
            written |= s > 0 && logged == 0;
        }
        assertTrue(written && states.get("pi-0/tpu0") != null, "pi-0's state written over its log");
        assertTrue(most < 2 * periodMs / 1000, "pi-0's log held up to " + most + " windows");
    }

    /** Stores in memory, the apps table placing each app of {@code placed} on its accelerator (Edge TPUs). */
    private static MockProcessorContext<String, Object> context(Map<String, String> placed) {
        MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        store(context, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Assessor.STATE_STORE), Serdes.String(),
                new AcceleratorStateSerde()).withLoggingDisabled().build());
        store(context, Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Assessor.PENDING_STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build());
        KeyValueStore<String, AppRecord> apps = store(context, Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PerchTopology.APPS_STORE), Serdes.String(), JsonSerde.of(AppRecord.class))
                .withLoggingDisabled().build());
        KeyValueStore<String, InventoryRecord> inventory = store(context, Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PerchTopology.INVENTORY_STORE), Serdes.String(),
                JsonSerde.of(InventoryRecord.class)).withLoggingDisabled().build());
        placed.forEach((app, accelerator) -> {
            String node = accelerator.substring(0, accelerator.indexOf('/'));
            apps.put(app, new AppRecord(AppRecord.SCHEMA, app, "m", 1, 100, "mean", 60, node, accelerator, null, T0));
            inventory.put(node, new InventoryRecord(InventoryRecord.SCHEMA, node, 4096, 10, 20,
                    List.of(new InventoryRecord.Entry(accelerator, "edgetpu")), T0));
        });
        return context;
    }

    private static void process(MockProcessorContext<String, Object> context, Assessor assessor,
                                Record<String, Object> record, int offset) {
        context.setRecordMetadata(Topics.TELEMETRY, 0, offset);
        context.setCurrentSystemTimeMs(T0 + offset);
        context.setCurrentStreamTimeMs(T0 + offset);
        assessor.process(record);
    }

    private static <S extends org.apache.kafka.streams.processor.StateStore> S store(
            MockProcessorContext<String, Object> context, S store) {
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }
}
