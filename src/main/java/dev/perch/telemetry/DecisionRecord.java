package dev.perch.telemetry;

import java.util.List;

/**
 * One controller decision ({@code perch.decisions.v1}, keyed by app): what it did ({@code place},
 * {@code move}, {@code none}, or {@code remove}: an app stopped because the profile learned on its
 * probation keeps its SLO nowhere, not even alone), from where to where, why, what the actuator answered, and the
 * predictions before and after for every app the decision touches.
 */
public record DecisionRecord(String schema, String decisionId, long atMs, String app, String action, String from,
                             String to, String reason, String trigger, String result, boolean dryRun,
                             List<Outcome> before, List<Outcome> after) {
    public static final String SCHEMA = "perch.decisions.v1";

    /** One app's predicted latency on one accelerator, against its SLO (latencies absent when unpredictable). */
    public record Outcome(String app, String accelerator, Double meanMs, Double p95Ms, Double p99Ms, double sloMs,
                          String sloStatistic, boolean sloMet) {
    }
}
