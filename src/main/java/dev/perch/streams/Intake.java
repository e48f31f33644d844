package dev.perch.streams;

import dev.perch.telemetry.DeadLetterRecord;
import dev.perch.telemetry.TelemetryParser;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Admits telemetry: parses and validates every raw report, sends each bad one to the dead-letter
 * topic with its reason and raw payload, and passes each good one on once — a report re-sent for the
 * same app, accelerator and window (a producer retry, a replay after a crash) is dropped.
 *
 * <p>Re-sent reports are recognised in window time, not wall time: per app and accelerator (a
 * <i>stream</i>) the store keeps one entry, {@link StreamMarks}: the latest window start admitted (its
 * high-water mark) and the window time its admitted reports cover within {@code retentionMs} below it.
 * A report starting older than that is re-sent or too stale to matter and is dropped, however long
 * after the original it arrives; one starting inside covered time is a re-send (or overlaps a window
 * counted already); out-of-order reports within the retention are admitted once.
 *
 * <p>Streams gone for longer than {@code retentionMs} are forgotten, so the store stays bounded as
 * apps come and go: a stream whose high-water mark is more than {@code retentionMs} below the
 * partition's window time ({@link PartitionClock}) loses its entry. Counted once still holds: a report
 * of a stream without an entry (new, or forgotten) is admitted only if its window starts within
 * {@code retentionMs} of the partition's window time, and every window of a forgotten stream is older
 * than that. The processor reads its own copy of the entries, rebuilt from the store in {@link #init},
 * and writes the store as it admits.
 *
 * <p>A report whose window starts more than {@link #MAX_AHEAD_MS} after the later of the wall clock
 * and the newest window admitted on its partition goes to the dead-letter topic with the reason.
 *
 * <p>{@code reportsCounted} — the reports admitted, once per stream and window — is kept in the store
 * with them (so a restarted or moved task goes on from the committed count) and exposed as the
 * metric {@value #COUNTED_METRIC} in group {@value #METRIC_GROUP}, one per task. Each stream's marks
 * carry its own reports (the entry each report writes anyway), and one entry the reports of streams
 * forgotten since: a second store write per report was a tenth of the intake's work (profiled).
 */
final class Intake implements Processor<String, byte[], String, Object> {
    static final String DEDUP_STORE = "telemetry-dedup-store";
    /** Key prefix of a stream's marks in the store. */
    static final String STREAM = "s|";
    /**
     * The key of the reports admitted that no stream's marks hold (a long, as Kafka's long serde writes
     * it): those of streams forgotten, and, from a store written before marks held their reports, the
     * whole count then.
     */
    private static final String COUNTED = "n|reports-counted";
    /** Key prefixes of the layout before {@link StreamMarks}: one exact window, one high-water mark. */
    private static final String LEGACY_WINDOW = "w|";
    private static final String LEGACY_HIGH_WATER = "h|";
    static final String METRIC_GROUP = "perch-topology-metrics";
    static final String COUNTED_METRIC = "reports-counted";
    /**
     * How far a window may start after the topology's time ({@link PartitionClock#aheadMs}): Kafka's
     * own bound on a record's timestamp ({@code log.message.timestamp.after.max.ms}, an hour by
     * default). A report further ahead comes from a clock that is wrong, and admitted it would hold
     * its stream's marks there.
     */
    static final long MAX_AHEAD_MS = 3_600_000;
    /** Between app and accelerator in keys: a character no id contains. */
    private static final String SEPARATOR = "\u0000";

    private final long retentionMs;
    private final Map<String, StreamMarks> marks = new HashMap<>();
    /** Keys of the layout before, read into {@link #marks} and deleted once those are written. */
    private final List<String> legacy = new ArrayList<>();
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> seen;
    private PartitionClock clock;
    /** Reports admitted: {@link #forgottenReports} and those the marks hold. */
    private long counted;
    /** The count under {@link #COUNTED}. */
    private long forgottenReports;
    private Sensor countedSensor;

    Intake(long retentionMs) {
        this.retentionMs = retentionMs;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.seen = context.getStateStore(DEDUP_STORE);
        // Rebuilt from the store: the task may be new here, restored, or re-initialised after a failure.
        this.clock = new PartitionClock();
        marks.clear();
        legacy.clear();
        forgottenReports = 0;
        try (KeyValueIterator<String, byte[]> all = seen.all()) {
            all.forEachRemaining(entry -> read(entry.key, entry.value));
        }
        counted = forgottenReports;
        for (StreamMarks held : marks.values()) {
            counted += held.reports();
        }
        marks.forEach((stream, held) -> clock.observe(stream, held.highWaterMs()));
        String task = context.taskId().toString();
        this.countedSensor = context.metrics().addSensor("perch-reports-counted-" + task, Sensor.RecordingLevel.INFO);
        countedSensor.add(new MetricName(COUNTED_METRIC, METRIC_GROUP,
                "telemetry reports admitted by the topology, once per app, accelerator and window",
                Map.of("thread-id", Thread.currentThread().getName(), "task-id", task)), new Value());
        countedSensor.record(counted);
        context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, this::forgetOld);
    }

    private void read(String key, byte[] value) {
        if (key.equals(COUNTED)) {
            forgottenReports = ByteBuffer.wrap(value).getLong();
        } else if (key.startsWith(STREAM)) {
            marks.put(key.substring(STREAM.length()), StreamMarks.fromBytes(value));
        } else if (key.startsWith(LEGACY_HIGH_WATER)) {
            legacy.add(key);
            String stream = key.substring(LEGACY_HIGH_WATER.length());
            long highWater = ByteBuffer.wrap(value).getLong();
            marks.merge(stream, new StreamMarks(highWater, new long[0], 0),
                    (held, mark) -> new StreamMarks(Math.max(held.highWaterMs(), highWater), held.covered(), 0));
        } else if (key.startsWith(LEGACY_WINDOW)) {
            // An exact window start, its end not kept: it covers its first millisecond.
            legacy.add(key);
            String stream = key.substring(LEGACY_WINDOW.length(), key.lastIndexOf(SEPARATOR));
            long start = ByteBuffer.wrap(value).getLong();
            StreamMarks held = marks.get(stream);
            // This window's report is in the count of the layout before, not the marks'; marks read
            // first (keys come sorted: "s|" before "w|") keep the reports they hold.
            marks.put(stream, held == null ? StreamMarks.first(start, start + 1).withReports(0)
                    : held.admit(start, start + 1, retentionMs).withReports(held.reports()));
        }
    }

    @Override
    public void close() {
        if (countedSensor != null) {
            context.metrics().removeSensor(countedSensor);
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        TelemetryParser.Result result = TelemetryParser.parse(record.value());
        if (result instanceof TelemetryParser.Result.Invalid invalid) {
            reject(record, invalid.reason());
            return;
        }
        TelemetryReport report = ((TelemetryParser.Result.Valid) result).report();
        if (!Objects.equals(record.key(), report.accelerator())) {
            reject(record, "record key '" + record.key() + "' is not the report's accelerator '" + report.accelerator()
                    + "' (telemetry is keyed by accelerator)");
            return;
        }
        long wallClockMs = context.currentSystemTimeMs();
        long aheadMs = clock.aheadMs(report.windowStartMs(), wallClockMs);
        if (aheadMs > MAX_AHEAD_MS) {
            reject(record, String.format(Locale.ROOT, "windowStartMs %d is %.0f s ahead of the topology's time (the later "
                            + "of its clock and the newest window admitted on the partition), at most %d s ahead is "
                            + "admitted: is node '%s''s clock ahead?", report.windowStartMs(), aheadMs / 1000.0,
                    MAX_AHEAD_MS / 1000, report.node()));
            return;
        }
        String stream = report.app() + SEPARATOR + report.accelerator();
        StreamMarks held = marks.get(stream);
        long oldestMs = held != null ? held.highWaterMs() - retentionMs : clock.floorMs(retentionMs, wallClockMs);
        if (report.windowStartMs() < oldestMs || (held != null && held.counted(report.windowStartMs()))) {
            return;
        }
        StreamMarks admitted = held == null ? StreamMarks.first(report.windowStartMs(), report.windowEndMs())
                : held.admit(report.windowStartMs(), report.windowEndMs(), retentionMs);
        marks.put(stream, admitted);
        seen.put(STREAM + stream, admitted.toBytes());
        clock.observe(stream, admitted.highWaterMs());
        counted++;
        countedSensor.record(counted);
        context.forward(record.withValue((Object) new Admitted(report, record.value())), PerchTopology.ASSESSOR);
    }

    private void reject(Record<String, byte[]> record, String reason) {
        RecordMetadata source = context.recordMetadata().orElse(null);
        DeadLetterRecord letter = DeadLetterRecord.of(reason,
                source == null ? Topics.TELEMETRY : source.topic(),
                source == null ? -1 : source.partition(),
                source == null ? -1 : source.offset(),
                context.currentSystemTimeMs(), record.value());
        context.forward(record.withKey(DeadLetterRecord.key(record.key())).withValue((Object) letter), PerchTopology.DLQ_SINK);
    }

    /**
     * Forgets streams whose high-water mark fell more than the retention below the partition's
     * window time, their reports kept in the count; writes the marks read from the layout before and
     * deletes its keys.
     */
    private void forgetOld(long streamTimeMs) {
        long forgottenBefore = forgottenReports;
        if (!legacy.isEmpty()) {
            marks.forEach((stream, held) -> seen.put(STREAM + stream, held.toBytes()));
            legacy.forEach(seen::delete);
            legacy.clear();
            forgottenBefore = -1; // the count's entry written in the layout after, even if unchanged
        }
        long floorMs = clock.floorMs(retentionMs, context.currentSystemTimeMs());
        marks.entrySet().removeIf(entry -> {
            if (entry.getValue().highWaterMs() >= floorMs) {
                return false;
            }
            forgottenReports += entry.getValue().reports();
            seen.delete(STREAM + entry.getKey());
            return true;
        });
        if (forgottenReports != forgottenBefore) {
            seen.put(COUNTED, ByteBuffer.allocate(Long.BYTES).putLong(forgottenReports).array());
        }
    }
}
