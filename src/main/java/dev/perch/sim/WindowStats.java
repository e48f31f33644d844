package dev.perch.sim;

import dev.perch.telemetry.LatencyBuckets;
import dev.perch.telemetry.LatencyHistogram;
import dev.perch.telemetry.Samples;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.MeanSummary;
import dev.perch.telemetry.TelemetryReport;

import java.util.Arrays;

/** The completions of one app on one accelerator in one telemetry window. */
final class WindowStats {
    private double[] latencies = new double[16];
    private int count;
    private double serviceSum;
    private double queueSum;
    private long swaps;

    void add(Request request, double completionMs) {
        if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = completionMs - request.arrivalMs;
        serviceSum += request.serviceMs;
        queueSum += Math.max(0, completionMs - request.enqueuedMs - request.serviceMs);
        if (request.swapped) {
            swaps++;
        }
    }

    TelemetryReport report(String node, String accelerator, String acceleratorType, String app, String model,
                           long windowStartMs, long windowEndMs) {
        LatencySummary latency = null;
        MeanSummary service = null;
        MeanSummary queue = null;
        LatencyHistogram histogram = null;
        if (count > 0) {
            double[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            double mean = Arrays.stream(sorted).average().orElseThrow();
            latency = new LatencySummary(Samples.round(mean), Samples.round(Samples.nearestRank(sorted, 0.50)),
                    Samples.round(Samples.nearestRank(sorted, 0.95)), Samples.round(Samples.nearestRank(sorted, 0.99)),
                    Samples.round(sorted[count - 1]));
            service = new MeanSummary(Samples.round(serviceSum / count));
            queue = new MeanSummary(Samples.round(queueSum / count));
            // Perch's own bucket layout, so the topology's percentiles over a window are within 5 % of the truth.
            histogram = LatencyBuckets.histogram(sorted);
        }
        return new TelemetryReport(TelemetryReport.SCHEMA, node, accelerator, acceleratorType, app, model, windowStartMs,
                windowEndMs, count, latency, service, queue, swaps, histogram);
    }
}
