package dev.perch.sim;

import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.Scenario;
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

    /**
     * The window as telemetry v1, with the app's resident memory the model's figure on the window's
     * accelerator type ({@link Scenario#simulatorProfile}: what the simulated server holds, profiled or not).
     */
    TelemetryReport report(SimAccelerator accelerator, AppSpec app, Scenario scenario, long windowStartMs,
                           long windowEndMs) {
        // A profile without a memory figure reads as 0 (the scenario reader's default): unknown, not none, so left out.
        Double memoryMb = scenario.simulatorProfile(app.model(), accelerator.type).map(ModelProfile::memoryMb)
                .filter(mb -> mb > 0).orElse(null);
        return summary.report(accelerator.node, accelerator.id, accelerator.type.id(), app.app(), app.model(), windowStartMs,
                windowEndMs, swaps).withMemoryMb(memoryMb);
    }
}
