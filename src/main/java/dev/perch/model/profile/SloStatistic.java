package dev.perch.model.profile;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which statistic of an app's latency its SLO bounds. The default is {@link #P95}. */
public enum SloStatistic {
    MEAN, P50, P95, P99;

    public static final SloStatistic DEFAULT = P95;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SloStatistic> fromId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(s -> s.id().equals(id)).findFirst();
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
