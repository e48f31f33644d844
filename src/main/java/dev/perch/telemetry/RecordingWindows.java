package dev.perch.telemetry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a per-request recording into telemetry v1: one report per app per accelerator per one-second
 * window of completions, every window from an app's first to its last (idle ones included, so rates
 * are right), in window order across apps — what a node would have published.
 *
 * <p>Where the recording lacks service start times they are derived from the serving order: service
 * starts when the accelerator is free and the request is queued; a request swaps when the request
 * served just before it on its accelerator was for another model. Window times are the recording's
 * own, offset to {@code epochMs}, so that replaying the same recording gives the same reports (and a
 * re-sent report is recognised).
 */
public final class RecordingWindows {
    public static final long WINDOW_MS = 1000;

    private RecordingWindows() {
    }

    /** A report and the load step it belongs to. */
    public record StepReport(String step, TelemetryReport report) {
    }

    private record Served(RecordedRequest request, double serviceStartMs, boolean swapped) {
    }

    public static List<StepReport> reports(List<RecordedRequest> requests, long epochMs) {
        Map<String, List<RecordedRequest>> byAccelerator = new LinkedHashMap<>();
        for (RecordedRequest r : requests) {
            byAccelerator.computeIfAbsent(r.step() + "\u0000" + r.accelerator(), k -> new ArrayList<>()).add(r);
        }
        List<StepReport> reports = new ArrayList<>();
        double origin = requests.stream().mapToDouble(RecordedRequest::arrivalMs).min().orElse(0);
        for (List<RecordedRequest> served : byAccelerator.values()) {
            reports.addAll(accelerator(served, origin, epochMs));
        }
        reports.sort(Comparator.comparingLong((StepReport r) -> r.report().windowEndMs())
                .thenComparing(r -> r.report().accelerator()).thenComparing(r -> r.report().app()));
        return reports;
    }

    private static List<StepReport> accelerator(List<RecordedRequest> requests, double originMs, long epochMs) {
        List<RecordedRequest> inOrder = new ArrayList<>(requests);
        inOrder.sort(Comparator.comparingDouble(RecordedRequest::completionMs));
        List<Served> served = new ArrayList<>();
        double freeAtMs = Double.NEGATIVE_INFINITY;
        String previousModel = null;
        for (RecordedRequest r : inOrder) {
            double start = Double.isNaN(r.serviceStartMs()) ? Math.max(r.queuedMs(), freeAtMs) : r.serviceStartMs();
            boolean swapped = previousModel != null && !previousModel.equals(r.model());
            served.add(new Served(r, Math.min(start, r.completionMs()), swapped));
            freeAtMs = r.completionMs();
            previousModel = r.model();
        }
        Map<String, List<Served>> byApp = new LinkedHashMap<>();
        for (Served s : served) {
            byApp.computeIfAbsent(s.request().app(), k -> new ArrayList<>()).add(s);
        }
        List<StepReport> reports = new ArrayList<>();
        for (List<Served> app : byApp.values()) {
            RecordedRequest first = app.get(0).request();
            long firstWindow = window(app.stream().mapToDouble(s -> s.request().arrivalMs()).min().orElseThrow(), originMs);
            long lastWindow = window(app.stream().mapToDouble(s -> s.request().completionMs()).max().orElseThrow(), originMs);
            Map<Long, List<Served>> windows = new LinkedHashMap<>();
            for (Served s : app) {
                windows.computeIfAbsent(window(s.request().completionMs(), originMs), k -> new ArrayList<>()).add(s);
            }
            String node = first.accelerator().contains("/")
                    ? first.accelerator().substring(0, first.accelerator().indexOf('/')) : first.accelerator();
            for (long w = firstWindow; w <= lastWindow; w++) {
                List<Served> in = windows.getOrDefault(w, List.of());
                reports.add(new StepReport(first.step(), report(node, first, in, epochMs + w * WINDOW_MS)));
            }
        }
        return reports;
    }

    private static long window(double timeMs, double originMs) {
        return (long) Math.floor((timeMs - originMs) / WINDOW_MS);
    }

    private static TelemetryReport report(String node, RecordedRequest app, List<Served> in, long windowStartMs) {
        // As the simulator and the node agent sum up a window, so a replay reports what a node would have.
        WindowSummary summary = new WindowSummary(in.size());
        long swaps = 0;
        for (Served s : in) {
            summary.add(s.request().latencyMs(), s.request().completionMs() - s.serviceStartMs(),
                    Math.max(0, s.serviceStartMs() - s.request().queuedMs()));
            if (s.swapped()) {
                swaps++;
            }
        }
        return summary.report(node, app.accelerator(), app.acceleratorType(), app.app(), app.model(), windowStartMs,
                windowStartMs + WINDOW_MS, swaps);
    }
}
