package dev.perch.streams;

import dev.perch.telemetry.DeadLetterRecord;
import dev.perch.telemetry.TelemetryParser;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
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
import java.util.Objects;

/**
 * Admits telemetry: parses and validates every raw report, sends each bad one to the dead-letter
 * topic with its reason and raw payload, and passes each good one on once — a report re-sent with
 * the same app, accelerator and window start (a producer retry, a replay after a crash) is dropped.
 *
 * <p>Re-sent reports are recognised in window time, not wall time: per app and accelerator the
 * store keeps the latest window start seen (its high-water mark) and the exact window starts of the
 * last {@code retentionMs} below it. A report older than that is re-sent or too stale to matter and is
 * dropped, however long after the original it arrives; out-of-order reports within it are admitted
 * once.
 */
final class Intake implements Processor<String, byte[], String, Object> {
    static final String DEDUP_STORE = "telemetry-dedup-store";
    /** Key prefixes in the store: one exact window of one app on one accelerator, and their high-water mark. */
    private static final String WINDOW = "w|";
    private static final String HIGH_WATER = "h|";
    /** Between app, accelerator and window start in keys: a character no id contains. */
    private static final String SEPARATOR = "\u0000";

    private final long retentionMs;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Long> seen;

    Intake(long retentionMs) {
        this.retentionMs = retentionMs;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.seen = context.getStateStore(DEDUP_STORE);
        context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, this::forgetOld);
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
        if (highWater != null && report.windowStartMs() < highWater - retentionMs) {
            return;
        }
        String identity = WINDOW + stream + SEPARATOR + report.windowStartMs();
        if (seen.get(identity) != null) {
            return;
        }
        seen.put(identity, report.windowStartMs());
        if (highWater == null || report.windowStartMs() > highWater) {
            seen.put(HIGH_WATER + stream, report.windowStartMs());
        }
        context.forward(record.withValue((Object) report), PerchTopology.ASSESSOR);
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

    /** Forgets exact window starts that fell more than the retention below their stream's high-water mark. */
    private void forgetOld(long streamTimeMs) {
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Long> windows = seen.prefixScan(WINDOW, Serdes.String().serializer())) {
            windows.forEachRemaining(entry -> {
                String stream = entry.key.substring(WINDOW.length(), entry.key.lastIndexOf(SEPARATOR));
                Long highWater = seen.get(HIGH_WATER + stream);
                if (highWater != null && entry.value < highWater - retentionMs) {
                    old.add(entry.key);
                }
            });
        }
        old.forEach(seen::delete);
    }
}
