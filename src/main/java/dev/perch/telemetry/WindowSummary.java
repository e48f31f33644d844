package dev.perch.telemetry;

import java.util.Arrays;

/**
 * The requests of one app on one accelerator that completed in one telemetry window, summed up as a
 * telemetry v1 report. The one definition of a window's figures for every producer — the simulator,
 * a replayed recording ({@link RecordingWindows}) and the node agent's pushed requests — so that the
 * topology learns the same thing from each and a replay grades what a node would have sent:
 * <ul>
 *   <li>{@code latencyMs}: end to end, the mean and the nearest-rank percentiles
 *   ({@link Samples#nearestRank}) and maximum, exact over the window's requests;</li>
 *   <li>{@code serviceMs}, {@code queueMs}: means over the requests that know when their service
 *   started; absent when none did;</li>
 *   <li>{@code latencyHistogram}: Perch's bucket layout ({@link LatencyBuckets}), so that the
 *   topology's percentiles over an SLO window are those of its requests (within 5 %) rather than a
 *   mean of per-window percentiles.</li>
 * </ul>
 * An empty window still makes a report (0 requests, no figures): the topology learns rates as
 * requests over time, and a window left out would be time it never saw. Not thread-safe.
 */
public final class WindowSummary {
    private double[] latenciesMs;
    private int count;
    private double serviceSumMs;
    private double queueSumMs;
    private int timed;

    public WindowSummary() {
        this(16);
    }

    /** @param expectedRequests how many requests to make room for at once (more still fit) */
    public WindowSummary(int expectedRequests) {
        latenciesMs = new double[Math.max(expectedRequests, 0)];
    }

    /**
     * One completed request. {@code serviceMs} (on the device) and {@code queueMs} (waiting for it)
     * are {@code NaN} for a request that did not say when its service started: it counts in the
     * latency figures but not in the service and queue means.
     */
    public void add(double latencyMs, double serviceMs, double queueMs) {
        if (count == latenciesMs.length) {
            latenciesMs = Arrays.copyOf(latenciesMs, Math.max(count * 2, 8));
        }
        latenciesMs[count++] = latencyMs;
        if (!Double.isNaN(serviceMs) && !Double.isNaN(queueMs)) {
            serviceSumMs += serviceMs;
            queueSumMs += queueMs;
            timed++;
        }
    }

    public int requests() {
        return count;
    }

    /** The window as telemetry v1; {@code swaps} are the requests that paid a model swap, which only the producer knows. */
    public TelemetryReport report(String node, String accelerator, String acceleratorType, String app, String model,
                                  long windowStartMs, long windowEndMs, long swaps) {
        LatencySummary latency = null;
        MeanSummary service = null;
        MeanSummary queue = null;
        LatencyHistogram histogram = null;
        if (count > 0) {
            double[] sorted = Arrays.copyOf(latenciesMs, count);
            Arrays.sort(sorted);
            latency = new LatencySummary(Samples.round(Arrays.stream(sorted).average().orElseThrow()),
                    Samples.round(Samples.nearestRank(sorted, 0.50)), Samples.round(Samples.nearestRank(sorted, 0.95)),
                    Samples.round(Samples.nearestRank(sorted, 0.99)), Samples.round(sorted[count - 1]));
            if (timed > 0) {
                service = new MeanSummary(Samples.round(serviceSumMs / timed));
                queue = new MeanSummary(Samples.round(queueSumMs / timed));
            }
            histogram = LatencyBuckets.histogram(sorted);
        }
        return new TelemetryReport(TelemetryReport.SCHEMA, node, accelerator, acceleratorType, app, model, windowStartMs,
                windowEndMs, count, latency, service, queue, swaps, histogram);
    }
}
