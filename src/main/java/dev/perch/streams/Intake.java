package dev.perch.streams;

import dev.perch.telemetry.DeadLetterRecord;
import dev.perch.telemetry.TelemetryParser;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Admits telemetry: parses and validates every raw report, sends each bad one to the dead-letter
 * topic with its reason and raw payload, and passes each good one on once — a report re-sent with
 * the same app, accelerator and window start (a producer retry, a replay after a crash) is dropped.
 *
 * <p>Re-sent reports are recognised in window time, not wall time: per app and accelerator (a
 * <i>stream</i>) the store keeps the latest window start seen (its high-water mark) and the exact
 * window starts of the last {@code retentionMs} below it. A report older than that is re-sent or too
 * stale to matter and is dropped, however long after the original it arrives; out-of-order reports
 * within it are admitted once.
 *
 * <p>Streams gone for longer than {@code retentionMs} are forgotten, so the store stays bounded as
 * apps come and go: a stream whose high-water mark is more than {@code retentionMs} below the
 * partition's window time ({@link PartitionClock}) loses its keys. Counted once still holds: a report
 * of a stream without a high-water mark (new, or forgotten) is admitted only if its window starts
 * within {@code retentionMs} of the partition's window time, and every window of a forgotten stream
 * is older than that.
 *
 * <p>{@code reportsCounted} — the reports admitted, once per stream and window — is kept in the store
 * with them (so a restarted or moved task goes on from the committed count) and exposed as the
 * metric {@value #COUNTED_METRIC} in group {@value #METRIC_GROUP}, one per task.
 */
final class Intake implements Processor<String, byte[], String, Object> {
    static final String DEDUP_STORE = "telemetry-dedup-store";
    /** Key prefixes in the store: one exact window of one app on one accelerator, and their high-water mark. */
    private static final String WINDOW = "w|";
    private static final String HIGH_WATER = "h|";
    /** The key of the count of reports admitted. */
    private static final String COUNTED = "n|reports-counted";
    static final String METRIC_GROUP = "perch-topology-metrics";
    static final String COUNTED_METRIC = "reports-counted";
    /** Between app, accelerator and window start in keys: a character no id contains. */
    private static final String SEPARATOR = "\u0000";

    private final long retentionMs;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Long> seen;
    private PartitionClock clock;
    private long counted;
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
        try (KeyValueIterator<String, Long> marks = seen.prefixScan(HIGH_WATER, Serdes.String().serializer())) {
            marks.forEachRemaining(mark -> clock.observe(mark.key.substring(HIGH_WATER.length()), mark.value));
        }
        Long stored = seen.get(COUNTED);
        this.counted = stored == null ? 0 : stored;
        String task = context.taskId().toString();
        this.countedSensor = context.metrics().addSensor("perch-reports-counted-" + task, Sensor.RecordingLevel.INFO);
        countedSensor.add(new MetricName(COUNTED_METRIC, METRIC_GROUP,
                "telemetry reports admitted by the topology, once per app, accelerator and window",
                Map.of("thread-id", Thread.currentThread().getName(), "task-id", task)), new Value());
        countedSensor.record(counted);
        context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, this::forgetOld);
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
        String stream = report.app() + SEPARATOR + report.accelerator();
        Long highWater = seen.get(HIGH_WATER + stream);
        long oldestMs = highWater != null ? highWater - retentionMs : clock.floorMs(retentionMs);
        if (report.windowStartMs() < oldestMs) {
            return;
        }
        String identity = WINDOW + stream + SEPARATOR + report.windowStartMs();
        if (seen.get(identity) != null) {
            return;
        }
        seen.put(identity, report.windowStartMs());
        if (highWater == null || report.windowStartMs() > highWater) {
            seen.put(HIGH_WATER + stream, report.windowStartMs());
            clock.observe(stream, report.windowStartMs());
        }
        counted++;
        seen.put(COUNTED, counted);
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
        context.forward(record.withValue((Object) letter), PerchTopology.DLQ_SINK);
    }

    /**
     * Forgets exact window starts that fell more than the retention below their stream's high-water
     * mark, and whole streams whose high-water mark fell more than the retention below the partition's
     * window time.
     */
    private void forgetOld(long streamTimeMs) {
        long floorMs = clock.floorMs(retentionMs);
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Long> marks = seen.prefixScan(HIGH_WATER, Serdes.String().serializer())) {
            marks.forEachRemaining(mark -> {
                if (mark.value < floorMs) {
                    old.add(mark.key);
                }
            });
        }
        try (KeyValueIterator<String, Long> windows = seen.prefixScan(WINDOW, Serdes.String().serializer())) {
            windows.forEachRemaining(entry -> {
                String stream = entry.key.substring(WINDOW.length(), entry.key.lastIndexOf(SEPARATOR));
                Long highWater = seen.get(HIGH_WATER + stream);
                if (highWater == null || highWater < floorMs || entry.value < highWater - retentionMs) {
                    old.add(entry.key);
                }
            });
        }
        old.forEach(seen::delete);
    }
}
