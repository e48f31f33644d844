package dev.perch.streams;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.perch.bench.TopologyThroughput;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.JsonSerde;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The topology's own work per report, without Kafka: its two processors as the topology runs them —
 * {@link Intake} (parse, validate, de-duplicate, count) and {@link Assessor} (fold, the window trigger,
 * the window's prediction and alerts, the log and its checkpoints) — on stores in memory, with what
 * they forward turned into JSON as the sinks do: what {@code TopologyThroughput}'s stream thread does
 * besides Kafka's part (the changelogs, the record cache, the commits) and the punctuations (which
 * the mock context never fires), on the same 100 Edge TPUs × 8 apps, as one task. Rounds of 200,000
 * reports; each prints the thread's CPU and allocation per report. With {@code write}: one
 * prediction record of those written with Jackson's own double writer and with Perch's mapper,
 * alternately, CPU per record. A quick A/B for a change to the per-report path
 * (seconds, where the broker bench takes minutes); its figures move ±15 % between runs here, so
 * compare builds with {@link AssessorCpuPair}.
 *
 * <pre>mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.streams.AssessorCpu -Dbench=10   # or -Dbench=write</pre>
 */
public final class AssessorCpu {
    static final int PER_ROUND = 200_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Serializer<Object> SINK = JsonSerde.of(Object.class).serializer();

    private static final TopologySettings SETTINGS = TopologySettings.defaults(ScenarioReader.defaultCatalog());

    private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    private final Intake intake = new Intake(SETTINGS.dedupRetentionMs());
    private final Assessor assessor = new Assessor(SETTINGS, new CheckpointPhases(Assessor.CHECKPOINT_EVERY_MS), new TableChanges());
    private final SplittableRandom random = new SplittableRandom(1);
    private long offset;
    private PredictionRecord lastPrediction;
    /** Reports kept to weigh a log entry by. */
    private static final int LAST_REPORTS = 1_000;
    private final List<TelemetryReport> lastReports = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        AssessorCpu bench = new AssessorCpu();
        if (args.length > 0 && args[0].equals("write")) {
            bench.round(0);
            bench.write();
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        for (int round = 0; round < rounds; round++) {
            Round done = bench.round(round);
            System.out.printf(Locale.ROOT, "round %d: %.1f µs of CPU a report, %d bytes allocated a report (%d bytes written)%n",
                    round, done.cpuNanos() / 1e3 / PER_ROUND, done.allocatedBytes() / PER_ROUND, done.bytesWritten());
        }
        bench.sizes();
    }

    /**
     * What a checkpoint writes against what the log holds when it is written, after
     * Assessor.CHECKPOINT_EVERY_MS of one-second windows (a report per app each, and a mark).
     */
    private void sizes() {
        var serializer = new AcceleratorStateSerde().serializer();
        KeyValueStore<String, AcceleratorState> states = context.getStateStore(Assessor.STATE_STORE);
        List<Integer> stateBytes = new ArrayList<>();
        try (var all = states.all()) {
            all.forEachRemaining(entry -> stateBytes.add(serializer.serialize(Assessor.STATE_STORE, entry.value).length));
        }
        double entryBytes = lastReports.stream().mapToInt(r -> LoggedReports.write(r).length).average().orElse(0);
        long windows = Assessor.CHECKPOINT_EVERY_MS / 1000;
        System.out.printf(Locale.ROOT, "an accelerator's state: %.0f bytes (%d apps); a logged report: %.0f bytes;"
                        + " the log after %d windows: %.0f bytes%n",
                stateBytes.stream().mapToInt(Integer::intValue).average().orElse(0),
                TopologyThroughput.APPS_PER_ACCELERATOR, entryBytes, windows,
                windows * (TopologyThroughput.APPS_PER_ACCELERATOR * entryBytes + 1));
    }

    /** What a round wrote, and its thread's CPU and allocation (the one that moves less between runs). */
    private record Round(long bytesWritten, long cpuNanos, long allocatedBytes) {
    }

    private AssessorCpu() {
        store(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Intake.DEDUP_STORE), Serdes.String(),
                Serdes.ByteArray()));
        store(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Assessor.STATE_STORE), Serdes.String(),
                new AcceleratorStateSerde()));
        store(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Assessor.PENDING_STORE), Serdes.String(),
                Serdes.ByteArray()));
        KeyValueStore<String, AppRecord> apps = store(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PerchTopology.APPS_STORE), Serdes.String(),
                new DecodedTable<>(AppRecord.class, 4 * TopologyThroughput.ACCELERATORS * TopologyThroughput.APPS_PER_ACCELERATOR)));
        store(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PerchTopology.INVENTORY_STORE), Serdes.String(),
                new DecodedTable<>(InventoryRecord.class, 4 * TopologyThroughput.ACCELERATORS)));
        for (int accelerator = 0; accelerator < TopologyThroughput.ACCELERATORS; accelerator++) {
            for (int app = 0; app < TopologyThroughput.APPS_PER_ACCELERATOR; app++) {
                AppRecord record = TopologyThroughput.app(accelerator, app);
                apps.put(record.app(), record);
            }
        }
        intake.init(context);
        assessor.init(context);
    }

    private <V> KeyValueStore<String, V> store(StoreBuilder<KeyValueStore<String, V>> builder) {
        KeyValueStore<String, V> store = builder.withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    /** One round of reports, as TopologyThroughput publishes them. */
    private Round round(int round) {
        byte[][] payloads = new byte[PER_ROUND][];
        String[] keys = new String[PER_ROUND];
        long[] endsMs = new long[PER_ROUND];
        for (int j = 0; j < PER_ROUND; j++) {
            TelemetryReport report = TopologyThroughput.report(round * PER_ROUND + j, random);
            if (lastReports.size() < LAST_REPORTS) {
                lastReports.add(report);
            }
            payloads[j] = Json.writeBytes(report);
            keys[j] = report.accelerator();
            endsMs[j] = report.windowEndMs();
        }
        long bytes = 0;
        long allocatedBefore = allocated();
        long start = THREADS.getCurrentThreadCpuTime();
        for (int j = 0; j < PER_ROUND; j++) {
            bytes += report(keys[j], payloads[j], endsMs[j]);
        }
        long cpu = THREADS.getCurrentThreadCpuTime() - start;
        return new Round(bytes, cpu, allocated() - allocatedBefore);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) THREADS).getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /**
     * One report through the intake and, once admitted, the assessor, on a stream whose time is the
     * report's window end; what the assessor forwards is serialised as the sinks do. The bytes it wrote.
     */
    private long report(String key, byte[] payload, long windowEndMs) {
        context.setRecordMetadata(Topics.TELEMETRY, 0, offset++);
        context.setCurrentSystemTimeMs(windowEndMs);
        context.setCurrentStreamTimeMs(windowEndMs);
        intake.process(new Record<>(key, payload, windowEndMs));
        // Every report is new and in time: one that was dropped or dead-lettered would be timed as one assessed.
        var admitted = context.forwarded();
        if (admitted.size() != 1 || !admitted.get(0).childName().equals(Optional.of(PerchTopology.ASSESSOR))) {
            throw new IllegalStateException("the intake did not pass report " + offset + " on to the assessor: " + admitted);
        }
        @SuppressWarnings("unchecked")
        Record<String, Object> forwarded = (Record<String, Object>) admitted.get(0).record();
        context.resetForwards();
        assessor.process(forwarded);
        long bytes = 0;
        for (var forward : context.forwarded()) {
            if (forward.childName().equals(Optional.of(PerchTopology.DLQ_SINK))) {
                throw new IllegalStateException("the assessor dead-lettered report " + offset + ": " + forward.record().value());
            }
            Object value = forward.record().value();
            if (value instanceof PredictionRecord prediction) {
                lastPrediction = prediction;
            }
            bytes += SINK.serialize(Topics.PREDICTIONS, value).length;
        }
        context.resetForwards();
        return bytes;
    }

    /** The last prediction record written 50,000 times by each mapper, alternately, eight times. */
    private void write() throws Exception {
        ObjectMapper jackson = JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .serializationInclusion(JsonInclude.Include.NON_NULL).build();
        System.out.printf(Locale.ROOT, "a prediction record of %d apps, %d bytes%n", lastPrediction.apps().size(),
                Json.writeBytes(lastPrediction).length);
        for (int round = 0; round < 8; round++) {
            for (ObjectMapper mapper : new ObjectMapper[]{jackson, Json.MAPPER}) {
                long start = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < 50_000; i++) {
                    mapper.writeValueAsBytes(lastPrediction);
                }
                System.out.printf(Locale.ROOT, "%s: %.1f µs of CPU a record%n",
                        mapper == jackson ? "Jackson's double writer" : "Perch's mapper",
                        (THREADS.getCurrentThreadCpuTime() - start) / 1e3 / 50_000);
            }
        }
    }
}
