package dev.perch.sim;

import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.WindowSummary;

/**
 * The completions of one app on one accelerator in one telemetry window: what a simulated request's
 * times mean as latency, service and queue time; the figures themselves are {@link WindowSummary}'s.
 */
final class WindowStats {
    private final WindowSummary summary = new WindowSummary();
    private long swaps;

    void add(Request request, double completionMs) {
        // Queue time is its time on the accelerator beyond its own service (which holds its swap, if it paid one):
        // waiting in line on an Edge TPU, slowed by sharing on a GPU or CPU.
        summary.add(completionMs - request.arrivalMs, request.serviceMs, queueMs(request, completionMs));
        if (request.swapped) {
            swaps++;
        }
    }

    /** One definition for the telemetry and the completion listeners, so the two paths report the same queue. */
    static double queueMs(Request request, double completionMs) {
        return Math.max(0, completionMs - request.enqueuedMs - request.serviceMs);
    }

    TelemetryReport report(String node, String accelerator, String acceleratorType, String app, String model,
                           long windowStartMs, long windowEndMs) {
        return summary.report(node, accelerator, acceleratorType, app, model, windowStartMs, windowEndMs, swaps);
    }
}
