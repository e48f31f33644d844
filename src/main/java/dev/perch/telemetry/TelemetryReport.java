package dev.perch.telemetry;

/**
 * One report per app per accelerator per window ({@code perch.telemetry.v1}, keyed by accelerator):
 * how many requests completed in the window and their latency end to end ({@code latencyMs}), on the
 * device ({@code serviceMs}) and waiting for it ({@code queueMs}), and how many model swaps the app's
 * requests paid.
 */
public record TelemetryReport(String schema, String node, String accelerator, String acceleratorType, String app,
                              String model, long windowStartMs, long windowEndMs, long requests,
                              LatencySummary latencyMs, MeanSummary serviceMs, MeanSummary queueMs, Long swaps) {
    public static final String SCHEMA = "perch.telemetry.v1";

    public long windowMs() {
        return windowEndMs - windowStartMs;
    }
}
