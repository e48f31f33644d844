package dev.perch.telemetry;

/**
 * One app's spec and placement ({@code perch.apps.v1}, compacted, keyed by app), written by the
 * controller; SLOs reach the Streams topology here. {@code accelerator} and {@code node} are absent
 * while the app is not placed; {@code learnedRatePerSec}, when present, is the rate learned before
 * the app's last move, so its new accelerator starts from it.
 */
public record AppRecord(String schema, String app, String model, double expectedRatePerSec, double sloMs,
                        String sloStatistic, String node, String accelerator, Double learnedRatePerSec,
                        long updatedAtMs) {
    public static final String SCHEMA = "perch.apps.v1";
}
