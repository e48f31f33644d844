package dev.perch.agent.push;

import dev.perch.agent.AppBinding;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.WindowSummary;

import java.util.Arrays;

/**
 * The pushed requests of one app that completed in one wall-clock second, held until the window is
 * published. Three primitive columns, 24 bytes a request, because this is what the agent's memory
 * bound counts ({@link PushWindower}). Not thread-safe: the windower's lock guards it.
 */
final class AppWindow {
    private final AppBinding binding;
    private double[] arrivalMs = new double[8];
    private double[] serviceStartMs = new double[8];
    private double[] completionMs = new double[8];
    private int count;
    private long swaps;

    /** @param binding the app as it was bound when the window took its first request */
    AppWindow(AppBinding binding) {
        this.binding = binding;
    }

    AppBinding binding() {
        return binding;
    }

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
     * The window as telemetry v1, summed up as the simulator and a replay sum theirs
     * ({@link WindowSummary}): latency end to end (completion − arrival); service (completion −
     * service start) and queue (service start − arrival) time for the requests that sent a service
     * start, none for the others.
     */
    TelemetryReport report(String node, long windowStartMs, long windowMs) {
        WindowSummary summary = new WindowSummary(count);
        for (int i = 0; i < count; i++) {
            // NaN when the request sent no service start: WindowSummary leaves it out of both means.
            summary.add(completionMs[i] - arrivalMs[i], completionMs[i] - serviceStartMs[i], serviceStartMs[i] - arrivalMs[i]);
        }
        return summary.report(node, binding.accelerator(), binding.acceleratorType(), binding.app(), binding.model(), windowStartMs,
                windowStartMs + windowMs, swaps);
    }

    /** The report of a second in which the app completed nothing. */
    static TelemetryReport idle(String node, AppBinding app, long windowStartMs, long windowMs) {
        return new AppWindow(app).report(node, windowStartMs, windowMs);
    }
}
