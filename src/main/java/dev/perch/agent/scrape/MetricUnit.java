package dev.perch.agent.scrape;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The unit a server writes a timing in, and the factor to milliseconds (telemetry's unit). */
public enum MetricUnit {
    SECONDS("s", 1000.0),
    MILLISECONDS("ms", 1.0),
    MICROSECONDS("us", 0.001);

    private final String id;
    private final double toMs;

    MetricUnit(String id, double toMs) {
        this.id = id;
        this.toMs = toMs;
    }

    /** The spelling in the agent's config: {@code s}, {@code ms}, {@code us}. */
    public String id() {
        return id;
    }

    public double toMs(double value) {
        return value * toMs;
    }

    public static Optional<MetricUnit> fromId(String id) {
        return Arrays.stream(values()).filter(u -> u.id.equals(id == null ? null : id.toLowerCase(Locale.ROOT))).findFirst();
    }
}
