package dev.perch.telemetry;

import java.util.List;
import java.util.Map;

/**
 * Every topic of the stream contract v1, in one place. {@code topology/topics.yaml} documents the
 * same list for producers and operators; a test keeps the two equal.
 */
public final class Topics {
    public static final String TELEMETRY = "perch.telemetry.v1";
    public static final String INVENTORY = "perch.inventory.v1";
    public static final String APPS = "perch.apps.v1";
    public static final String PREDICTIONS = "perch.predictions.v1";
    public static final String ALERTS = "perch.alerts.v1";
    public static final String DECISIONS = "perch.decisions.v1";
    public static final String DLQ = "perch.dlq.v1";

    /** How a topic is created: partitions, and its cleanup policy and retention. */
    public record TopicSpec(String name, int partitions, boolean compacted, long retentionMs) {
        public Map<String, String> configs() {
            return compacted
                    ? Map.of("cleanup.policy", "compact")
                    : Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(retentionMs));
        }
    }

    /** The default telemetry partitions: as many topology instances as a small cluster runs. */
    public static final int DEFAULT_TELEMETRY_PARTITIONS = 6;
    /** More partitions than this on one topic costs the broker more than any edge fleet needs. */
    public static final int MAX_PARTITIONS = 1000;

    private static final long DAY_MS = 24L * 60 * 60 * 1000;

    /**
     * Telemetry is keyed by accelerator, so all apps of one accelerator meet in one partition; its
     * partition count bounds how many Streams instances share the work. Outputs keyed by
     * accelerator use the same count so they line up with the input.
     */
    public static final List<TopicSpec> ALL = List.of(
            new TopicSpec(TELEMETRY, DEFAULT_TELEMETRY_PARTITIONS, false, DAY_MS),
            new TopicSpec(INVENTORY, 1, true, -1),
            new TopicSpec(APPS, 1, true, -1),
            new TopicSpec(PREDICTIONS, DEFAULT_TELEMETRY_PARTITIONS, false, DAY_MS),
            new TopicSpec(ALERTS, 3, false, 7 * DAY_MS),
            new TopicSpec(DECISIONS, 3, false, 30 * DAY_MS),
            new TopicSpec(DLQ, 1, false, 7 * DAY_MS));

    /**
     * The contract's topics with the telemetry topic, and the predictions keyed like it, created with
     * {@code telemetryPartitions} partitions instead of the default: the telemetry topic's partition
     * count bounds how many topology instances share the work.
     */
    public static List<TopicSpec> withTelemetryPartitions(int telemetryPartitions) {
        if (telemetryPartitions < 1 || telemetryPartitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException("perch.kafka.telemetry-partitions must be 1–" + MAX_PARTITIONS + ", not "
                    + telemetryPartitions);
        }
        return ALL.stream()
                .map(t -> t.name().equals(TELEMETRY) || t.name().equals(PREDICTIONS)
                        ? new TopicSpec(t.name(), telemetryPartitions, t.compacted(), t.retentionMs()) : t)
                .toList();
    }

    private Topics() {
    }
}
