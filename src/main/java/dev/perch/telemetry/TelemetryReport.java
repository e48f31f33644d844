package dev.perch.telemetry;

/**
 * One report per app per accelerator per window ({@code perch.telemetry.v1}, keyed by accelerator):
 * how many requests completed in the window and their latency end to end ({@code latencyMs}, and
 * optionally as bucket counts, {@code latencyHistogram}), on the device ({@code serviceMs}) and
 * waiting for it ({@code queueMs}), how many model swaps the app's requests paid, and optionally the
 * app's resident memory on the node in the window ({@code memoryMb}, MiB; absent when the
 * producer cannot see it, which is not 0). Perch carries {@code memoryMb} and decides nothing on it
 * yet: learning an unprofiled model's memory on probation will.
 */
public record TelemetryReport(String schema, String node, String accelerator, String acceleratorType, String app,
                              String model, long windowStartMs, long windowEndMs, long requests,
                              LatencySummary latencyMs, MeanSummary serviceMs, MeanSummary queueMs, Long swaps,
                              LatencyHistogram latencyHistogram, Double memoryMb) {
    public static final String SCHEMA = "perch.telemetry.v1";

    /** A report without the app's memory, as every producer wrote before it existed. */
    public TelemetryReport(String schema, String node, String accelerator, String acceleratorType, String app,
                           String model, long windowStartMs, long windowEndMs, long requests,
                           LatencySummary latencyMs, MeanSummary serviceMs, MeanSummary queueMs, Long swaps,
                           LatencyHistogram latencyHistogram) {
        this(schema, node, accelerator, acceleratorType, app, model, windowStartMs, windowEndMs, requests, latencyMs,
                serviceMs, queueMs, swaps, latencyHistogram, null);
    }

    /** A report without a histogram, as every producer wrote before it existed. */
    public TelemetryReport(String schema, String node, String accelerator, String acceleratorType, String app,
                           String model, long windowStartMs, long windowEndMs, long requests,
                           LatencySummary latencyMs, MeanSummary serviceMs, MeanSummary queueMs, Long swaps) {
        this(schema, node, accelerator, acceleratorType, app, model, windowStartMs, windowEndMs, requests, latencyMs,
                serviceMs, queueMs, swaps, null, null);
    }

    /** The same report carrying the app's resident memory ({@code null}: not known). */
    public TelemetryReport withMemoryMb(Double memoryMb) {
        return new TelemetryReport(schema, node, accelerator, acceleratorType, app, model, windowStartMs, windowEndMs,
                requests, latencyMs, serviceMs, queueMs, swaps, latencyHistogram, memoryMb);
    }

    public long windowMs() {
        return windowEndMs - windowStartMs;
    }
}
