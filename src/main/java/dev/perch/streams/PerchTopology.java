package dev.perch.streams;

import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.JsonSerde;
import dev.perch.telemetry.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds Perch's Kafka Streams topology — plain code that tests call directly; CDI only produces it.
 *
 * <pre>
 * perch.telemetry.v1 ─▶ telemetry-intake ─┬─▶ perch.dlq.v1                 (bad reports, with the reason)
 *   (key: accelerator)   parse, validate,  └─▶ accelerator-assessor ─┬─▶ perch.predictions.v1 (key: accelerator; one per window)
 *                        drop re-sent,          learn per report;    ├─▶ perch.alerts.v1      (key: app)
 *                        count                  predict, alert per   └─▶ perch.dlq.v1         (reports it cannot assess)
 *                                               accelerator window
 * perch.apps.v1, perch.inventory.v1 ─▶ global stores (SLOs, placements; nodes' network and front ends)
 * </pre>
 *
 * Every processor and store has an explicit name so that {@code describe()} is stable; {@code
 * topology/topology.txt} holds it and a test keeps it current.
 */
public final class PerchTopology {
    static final String TELEMETRY_SOURCE = "telemetry-source";
    static final String INTAKE = "telemetry-intake";
    static final String ASSESSOR = "accelerator-assessor";
    static final String DLQ_SINK = "dlq-sink";
    static final String PREDICTIONS_SINK = "predictions-sink";
    static final String ALERTS_SINK = "alerts-sink";
    static final String APPS_STORE = "apps-store";
    static final String INVENTORY_STORE = "inventory-store";
    /** Decoded records the global tables keep: a few times the apps and nodes of the largest cluster tried (10,000 and 1,000). */
    private static final int DECODED_APPS = 32_768;
    private static final int DECODED_NODES = 4_096;

    private PerchTopology() {
    }

    public static org.apache.kafka.streams.Topology build(TopologySettings settings) {
        return build(settings, Assessor.CHECKPOINT_EVERY_MS);
    }

    /**
     * The topology's own count of the reports it admitted, once per app, accelerator and window
     * (the metric {@code reports-counted}), summed over the tasks this instance runs. Kept in the
     * tasks' stores, so it goes on from the committed count after a restart on kept state.
     */
    public static long reportsCounted(KafkaStreams streams) {
        return Math.round(streams.metrics().values().stream()
                .filter(m -> m.metricName().name().equals(Intake.COUNTED_METRIC)
                        && m.metricName().group().equals(Intake.METRIC_GROUP))
                .mapToDouble(m -> ((Number) m.metricValue()).doubleValue()).sum());
    }

    /**
     * The topology with the accelerators' state written every {@code checkpointEveryMs} of window time
     * ({@link Assessor}); tests that read the state store use 0, a checkpoint per window.
     */
    static org.apache.kafka.streams.Topology build(TopologySettings settings, long checkpointEveryMs) {
        org.apache.kafka.streams.Topology topology = new org.apache.kafka.streams.Topology();
        TableChanges appsChanges = new TableChanges();

        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(APPS_STORE), Serdes.String(),
                        new DecodedTable<>(AppRecord.class, DECODED_APPS)).withLoggingDisabled(),
                "apps-source", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), Topics.APPS,
                "apps-store-updater", () -> new GlobalTableUpdater<>(APPS_STORE, AppRecord.class, appsChanges));
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(INVENTORY_STORE), Serdes.String(),
                        new DecodedTable<>(InventoryRecord.class, DECODED_NODES)).withLoggingDisabled(),
                "inventory-source", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), Topics.INVENTORY,
                "inventory-store-updater", () -> new GlobalTableUpdater<>(INVENTORY_STORE, InventoryRecord.class, new TableChanges()));

        topology.addSource(TELEMETRY_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                Topics.TELEMETRY);
        topology.addProcessor(INTAKE, () -> new Intake(settings.dedupRetentionMs()), TELEMETRY_SOURCE);
        // Cached: the count of reports admitted is written on every report, and a stream's marks on each of its reports.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Intake.DEDUP_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled(), INTAKE);
        CheckpointPhases phases = new CheckpointPhases(checkpointEveryMs);
        topology.addProcessor(ASSESSOR, () -> new Assessor(settings, phases, appsChanges), INTAKE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Assessor.STATE_STORE),
                Serdes.String(), new AcceleratorStateSerde()).withCachingEnabled(), ASSESSOR);
        // Cached: a window's log entries share a key (LogSegment), rewritten on each of its reports.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Assessor.PENDING_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled(), ASSESSOR);

        Serializer<Object> json = JsonSerde.of(Object.class).serializer();
        topology.addSink(DLQ_SINK, Topics.DLQ, Serdes.String().serializer(), json, INTAKE, ASSESSOR);
        topology.addSink(PREDICTIONS_SINK, Topics.PREDICTIONS, Serdes.String().serializer(), json, ASSESSOR);
        topology.addSink(ALERTS_SINK, Topics.ALERTS, Serdes.String().serializer(), json, ASSESSOR);
        return topology;
    }
}
