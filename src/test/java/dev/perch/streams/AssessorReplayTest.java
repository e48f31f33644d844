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
import java.util.List;

import static dev.perch.streams.TopologyFixture.T0;
import static dev.perch.streams.TopologyFixture.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
        List<String> uninterrupted = run(input, 1, Integer.MAX_VALUE);
        List<String> restarted = run(input, 7, 13);
        // What each holds at the end (the restarted one read back from its stores once more) is the same too.
        assertEquals(uninterrupted.remove(uninterrupted.size() - 1), restarted.remove(restarted.size() - 1));
        assertTrue(uninterrupted.size() > 40, "predictions and alerts: " + uninterrupted.size());
        assertTrue(uninterrupted.stream().anyMatch(s -> s.contains("\"kind\":\"impending\"")), "the load raises an alert");
        assertEquals(uninterrupted, restarted);
    }

    /** Three apps on one Edge TPU, one of them climbing, a late report now and then. */
    private static List<Record<String, Object>> input() {
        List<Record<String, Object>> input = new ArrayList<>();
        for (int s = 0; s < 60; s++) {
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
    private static List<String> run(List<Record<String, Object>> input, int checkpointEntries, int restartEvery) {
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
        for (String app : List.of("a", "b", "c")) {
            apps.put(app, new AppRecord(AppRecord.SCHEMA, app, "m", 1, 100, "mean", 60, "pi-1", "pi-1/tpu0", null, T0));
        }
        inventory.put("pi-1", new InventoryRecord(InventoryRecord.SCHEMA, "pi-1", 4096, 10, 20,
                List.of(new InventoryRecord.Entry("pi-1/tpu0", "edgetpu")), T0));
        Assessor assessor = null;
        for (int i = 0; i < input.size(); i++) {
            if (i % restartEvery == 0) {
                assessor = new Assessor(SETTINGS, checkpointEntries, new TableChanges());
                assessor.init(context);
            }
            context.setRecordMetadata(Topics.TELEMETRY, 0, i);
            context.setCurrentSystemTimeMs(T0 + i);
            context.setCurrentStreamTimeMs(T0 + i);
            assessor.process(input.get(i));
        }
        List<String> out = new ArrayList<>();
        context.forwarded().forEach(f -> out.add(Json.write(f.record().value())));
        if (restartEvery < input.size()) {
            assessor = new Assessor(SETTINGS, checkpointEntries, new TableChanges());
            assessor.init(context);
        }
        out.add(java.util.Base64.getEncoder().encodeToString(AcceleratorStateSerde.write(assessor.held("pi-1/tpu0"))));
        return out;
    }

    private static <S extends org.apache.kafka.streams.processor.StateStore> S store(
            MockProcessorContext<String, Object> context, S store) {
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }
}
