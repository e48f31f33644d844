package dev.perch.telemetry;

/**
 * One app's spec and placement ({@code perch.apps.v1}, compacted, keyed by app), written by the
 * controller; SLOs reach the Streams topology here. {@code accelerator} and {@code node} are absent
 * while the app is not placed; {@code learnedRatePerSec}, when present, is the rate learned before
 * the app's last move, so its new accelerator starts from it. {@code sloWindowSec} is the window the
 * SLO is judged over; records written before it existed have none and mean
 * {@link #DEFAULT_SLO_WINDOW_SEC}.
 */
public record AppRecord(String schema, String app, String model, double expectedRatePerSec, double sloMs,
                        String sloStatistic, Integer sloWindowSec, String node, String accelerator, Double learnedRatePerSec,
                        long updatedAtMs) {
    public static final String SCHEMA = "perch.apps.v1";
    public static final int DEFAULT_SLO_WINDOW_SEC = 60;

    /** The SLO window in seconds, {@link #DEFAULT_SLO_WINDOW_SEC} when the record has none. */
    public int sloWindowSecOrDefault() {
        return sloWindowSec == null ? DEFAULT_SLO_WINDOW_SEC : sloWindowSec;
    }
}
