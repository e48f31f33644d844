package dev.perch.streams;

import dev.perch.telemetry.DeadLetterRecord;
import dev.perch.telemetry.TelemetryParser;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
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
 */
final class Intake implements Processor<String, byte[], String, Object> {
    static final String DEDUP_STORE = "telemetry-dedup-store";

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
        String identity = report.dedupKey();
        if (seen.get(identity) != null) {
            return;
        }
        seen.put(identity, record.timestamp());
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

    /**
     * Forgets reports first seen more than the retention before stream time. Both are record
     * timestamps (when a report was published), not window times, so a simulator running ahead of the
     * wall clock cannot keep entries alive.
     */
    private void forgetOld(long streamTimeMs) {
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = seen.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value < streamTimeMs - retentionMs) {
                    old.add(entry.key);
                }
            });
        }
        old.forEach(seen::delete);
    }
}
