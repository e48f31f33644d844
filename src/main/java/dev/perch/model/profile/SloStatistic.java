package dev.perch.model.profile;

import java.util.Locale;
import java.util.Optional;

/** Which statistic of an app's latency its SLO bounds. The default is {@link #P95}. */
public enum SloStatistic {
    MEAN, P50, P95, P99;

    public static final SloStatistic DEFAULT = P95;

    /** Read on every telemetry report the topology folds, so made once. */
    private final String id = name().toLowerCase(Locale.ROOT);
    private static final SloStatistic[] ALL = values();

    public String id() {
        return id;
    }

    public static Optional<SloStatistic> fromId(String id) {
        return ContractIds.find(ALL, SloStatistic::id, id);
    }

    public static SloStatistic parse(String id) {
        return fromId(id).orElseThrow(() -> new IllegalArgumentException(
                "unknown SLO statistic '" + id + "' (expected mean, p50, p95 or p99)"));
    }

    @Override
    public String toString() {
        return id();
    }
}
