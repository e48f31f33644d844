package dev.perch.agent.push;

import dev.perch.agent.AppBinding;
import dev.perch.telemetry.LatencyBuckets;
import dev.perch.telemetry.LatencyHistogram;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.MeanSummary;
import dev.perch.telemetry.Samples;
import dev.perch.telemetry.TelemetryReport;

import java.util.Arrays;

/**
 * The pushed requests of one app that completed in one wall-clock second, held until the window is
 * published. Three primitive columns, 24 bytes a request, because this is what the agent's memory
 * bound counts ({@link PushWindower}). Not thread-safe: the windower's lock guards it.
 */
final class AppWindow {
    private double[] arrivalMs = new double[8];
    private double[] serviceStartMs = new double[8];
    private double[] completionMs = new double[8];
    private int count;
    private long swaps;

    void add(PushedRequest request) {
        if (count == arrivalMs.length) {
            int grown = count * 2;
            arrivalMs = Arrays.copyOf(arrivalMs, grown);
            serviceStartMs = Arrays.copyOf(serviceStartMs, grown);
            completionMs = Arrays.copyOf(completionMs, grown);
        }
        arrivalMs[count] = request.arrivalMs();
        serviceStartMs[count] = request.serviceStartMs();
        completionMs[count] = request.completionMs();
        count++;
    }

    int count() {
        return count;
    }

    double arrivalMs(int i) {
        return arrivalMs[i];
    }

    double serviceStartMs(int i) {
        return serviceStartMs[i];
    }

    double completionMs(int i) {
        return completionMs[i];
    }

    /** One of this window's requests paid a model swap (the windower decides, across the accelerator's apps). */
    void swapped() {
        swaps++;
    }

    /**
     * The window as telemetry v1, with the simulator's meanings ({@code dev.perch.sim.WindowStats}):
     * latency end to end with nearest-rank percentiles ({@link Samples#nearestRank}) and the maximum,
     * exact over the window's requests; Perch's bucket layout as the histogram, so that the topology's
     * percentiles over an SLO window are those of the requests (within 5 %) rather than a mean of
     * per-second ones — it costs one binary search a request; service (completion − service start)
     * and queue (service start − arrival) means over the requests that sent a service start, left
     * out when none did. An idle window still reports, with 0 requests and 0 swaps: the topology
     * learns rates as requests over time, and a second left out would be a second it never saw.
     */
    TelemetryReport report(String node, AppBinding app, long windowStartMs, long windowMs) {
        LatencySummary latency = null;
        MeanSummary service = null;
        MeanSummary queue = null;
        LatencyHistogram histogram = null;
        if (count > 0) {
            double[] sorted = new double[count];
            double serviceSum = 0;
            double queueSum = 0;
            int timed = 0;
            for (int i = 0; i < count; i++) {
                sorted[i] = completionMs[i] - arrivalMs[i];
                if (!Double.isNaN(serviceStartMs[i])) {
                    serviceSum += completionMs[i] - serviceStartMs[i];
                    queueSum += serviceStartMs[i] - arrivalMs[i];
                    timed++;
                }
            }
            Arrays.sort(sorted);
            latency = new LatencySummary(Samples.round(Arrays.stream(sorted).sum() / count),
                    Samples.round(Samples.nearestRank(sorted, 0.50)), Samples.round(Samples.nearestRank(sorted, 0.95)),
                    Samples.round(Samples.nearestRank(sorted, 0.99)), Samples.round(sorted[count - 1]));
            if (timed > 0) {
                service = new MeanSummary(Samples.round(serviceSum / timed));
                queue = new MeanSummary(Samples.round(queueSum / timed));
            }
            histogram = LatencyBuckets.histogram(sorted);
        }
        return new TelemetryReport(TelemetryReport.SCHEMA, node, app.accelerator(), app.acceleratorType(), app.app(),
                app.model(), windowStartMs, windowStartMs + windowMs, count, latency, service, queue, swaps, histogram);
    }

    /** The report of a second in which the app completed nothing. */
    static TelemetryReport idle(String node, AppBinding app, long windowStartMs, long windowMs) {
        return new AppWindow().report(node, app, windowStartMs, windowMs);
    }
}
