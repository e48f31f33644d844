package dev.perch.telemetry;

/**
 * One report per app per accelerator per window ({@code perch.telemetry.v1}, keyed by accelerator):
 * how many requests completed in the window and their latency end to end ({@code latencyMs}, and
 * optionally as bucket counts, {@code latencyHistogram}), on the device ({@code serviceMs}) and
 * waiting for it ({@code queueMs}), and how many model swaps the app's requests paid.
 */
public record TelemetryReport(String schema, String node, String accelerator, String acceleratorType, String app,
                              String model, long windowStartMs, long windowEndMs, long requests,
                              LatencySummary latencyMs, MeanSummary serviceMs, MeanSummary queueMs, Long swaps,
                              LatencyHistogram latencyHistogram) {
    public static final String SCHEMA = "perch.telemetry.v1";

    /** A report without a histogram, as every producer wrote before it existed. */
    public TelemetryReport(String schema, String node, String accelerator, String acceleratorType, String app,
                           String model, long windowStartMs, long windowEndMs, long requests,
                           LatencySummary latencyMs, MeanSummary serviceMs, MeanSummary queueMs, Long swaps) {
        this(schema, node, accelerator, acceleratorType, app, model, windowStartMs, windowEndMs, requests, latencyMs,
                serviceMs, queueMs, swaps, null);
    }

    public long windowMs() {
        return windowEndMs - windowStartMs;
    }
}
