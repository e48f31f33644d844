package dev.perch.telemetry;

/**
 * An SLO alert ({@code perch.alerts.v1}, keyed by app). {@code impending}: the models say the app's
 * SLO statistic is, or within the forecast horizon will be, over its SLO while observed latency still
 * meets it ({@code secondsToViolation} estimates when); {@code violation}: the statistic observed over
 * the app's SLO window ({@code observedMs}) is over it; {@code resolved}: both are back within it by
 * a margin, and have been for a whole window.
 */
public record AlertRecord(String schema, String alertId, String kind, String app, String accelerator, String node,
                          double sloMs, String sloStatistic, Double predictedMs, Double forecastMs,
                          Double secondsToViolation, Double observedMs, long windowEndMs, String reason) {
    public static final String SCHEMA = "perch.alerts.v1";
    public static final String IMPENDING = "impending";
    public static final String VIOLATION = "violation";
    public static final String RESOLVED = "resolved";
}
