package dev.perch.streams;

import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.TelemetryReport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Decides, after a report, which apps an accelerator still serves and what each remembers. The
 * reporting app's window joins its windows, which keep the last {@code trendMs} (what the rate trend
 * looks at), and its SLO window ({@link SloWindows}), and what it has learned is brought up to date
 * by {@link Learning}; an app new to the accelerator starts from the rate it learned before its
 * move, when the apps table carries one, and with an empty SLO window. Apps silent for
 * {@code trendMs} (a node that stopped reporting them) are forgotten here; those the apps table places
 * on another accelerator, when the window is predicted ({@link #withoutMovedAway}): the table is asked
 * once a window, not about every app on every report. Each app keeps the resident memory its latest
 * report with one gave (a report without it says the producer cannot see it, not that it changed).
 */
record AppHistories(Learning learning, long trendMs) {
    /**
     * The accelerator's apps after {@code report}, in the order it first saw them; {@code specs} looks
     * an app up in the apps table (null when it has no entry).
     */
    OrderedApps fold(AcceleratorState state, TelemetryReport report, Function<String, AppRecord> specs) {
        AcceleratorState.AppHistory previous = state == null ? null : state.apps().get(report.app());
        AcceleratorState.Window window = window(report);
        List<AcceleratorState.Window> before = previous == null ? List.of() : previous.windows();
        boolean inOrder = before.isEmpty() || before.get(before.size() - 1).windowStartMs() <= window.windowStartMs();
        List<AcceleratorState.Window> windows = recent(before, window, inOrder);
        AppRecord spec = specs.apply(report.app());
        Learned learned = previous == null ? seed(spec) : previous.learned();
        learned = learning.observe(learned, window, windows);
        AlertHysteresis.Tracker tracker = previous == null ? AlertHysteresis.Tracker.INITIAL : previous.alert();
        AcceleratorState.SloWindow sloWindow = SloWindows.observe(previous == null ? null : previous.sloWindow(), report,
                spec == null ? null : Slo.of(spec), SloWindows.windowSec(spec));
        // The latest report that gave the memory says it; a late one does not overwrite a newer figure.
        Double memoryMb = previous == null ? null : previous.memoryMb();
        if (report.memoryMb() != null && (inOrder || memoryMb == null)) {
            memoryMb = report.memoryMb();
        }
        AcceleratorState.AppHistory reported = new AcceleratorState.AppHistory(report.app(), report.model(), windows,
                learned, tracker, sloWindow, memoryMb);

        // The apps in the order first seen, the reporting one updated in its place (or last, if new),
        // those silent for the trend span dropped.
        OrderedApps held = state == null ? OrderedApps.EMPTY : OrderedApps.copyOf(state.apps());
        long silentBeforeMs = report.windowEndMs() - trendMs;
        return held.without(history -> !history.app().equals(report.app())
                        && AcceleratorState.latestEndMs(history) <= silentBeforeMs)
                .with(reported);
    }

    /**
     * The apps less those the apps table places on another accelerator than {@code accelerator}: the
     * table is where an app runs, for the predictions, the alerts and every per-app figure downstream
     * (a moving app's old copy, still serving while the new one starts, is not predicted here).
     */
    static OrderedApps withoutMovedAway(OrderedApps apps, String accelerator, Function<String, AppRecord> specs) {
        return apps.without(history -> placedElsewhere(specs.apply(history.app()), accelerator));
    }

    /**
     * Whether the apps table's entry ({@code spec}, null when none) places the app on another
     * accelerator than {@code accelerator}: one rule for the window trigger and the window's close.
     */
    static boolean placedElsewhere(AppRecord spec, String accelerator) {
        return spec != null && spec.accelerator() != null && !spec.accelerator().equals(accelerator);
    }

    /**
     * The app's windows with {@code window} added in time order (after those of the same start), less
     * those that ended {@code trendMs} or more before the end of the latest-starting one. A window
     * after the others (the usual case) is appended, and the old ones dropped from the start, in the
     * list's shared storage ({@link SharedList}); otherwise one copy.
     */
    private List<AcceleratorState.Window> recent(List<AcceleratorState.Window> before, AcceleratorState.Window window,
                                                 boolean inOrder) {
        long latestEndMs = inOrder ? window.windowEndMs() : before.get(before.size() - 1).windowEndMs();
        long horizonMs = latestEndMs - trendMs;
        if (inOrder) {
            int old = 0;
            while (old < before.size() && before.get(old).windowEndMs() <= horizonMs) {
                old++;
            }
            if (recentFrom(before, old, horizonMs)) {
                SharedList<AcceleratorState.Window> kept = SharedList.<AcceleratorState.Window>copyOf(before).dropFirst(old);
                return window.windowEndMs() > horizonMs ? kept.plus(window) : kept;
            }
        }
        List<AcceleratorState.Window> windows = new ArrayList<>(before.size() + 1);
        boolean added = false;
        for (AcceleratorState.Window w : before) {
            if (!added && w.windowStartMs() > window.windowStartMs()) {
                addIfRecent(windows, window, horizonMs);
                added = true;
            }
            addIfRecent(windows, w, horizonMs);
        }
        if (!added) {
            addIfRecent(windows, window, horizonMs);
        }
        return SharedList.copyOf(windows);
    }

    /** Whether every window from {@code index} on ended after the horizon (windows of unequal length may not have). */
    private static boolean recentFrom(List<AcceleratorState.Window> windows, int index, long horizonMs) {
        for (int i = index; i < windows.size(); i++) {
            if (windows.get(i).windowEndMs() <= horizonMs) {
                return false;
            }
        }
        return true;
    }

    private static void addIfRecent(List<AcceleratorState.Window> windows, AcceleratorState.Window w, long horizonMs) {
        if (w.windowEndMs() > horizonMs) {
            windows.add(w);
        }
    }

    /** An app new to this accelerator starts from the rate it learned before its move, if the controller passed one. */
    private Learned seed(AppRecord spec) {
        return spec != null && spec.learnedRatePerSec() != null ? learning.seeded(spec.learnedRatePerSec()) : Learned.EMPTY;
    }

    /** One report's figures, as the state keeps them. */
    static AcceleratorState.Window window(TelemetryReport report) {
        var latency = report.latencyMs();
        return new AcceleratorState.Window(report.windowStartMs(), report.windowEndMs(), report.requests(),
                latency == null ? null : latency.mean(), latency == null ? null : latency.p50(),
                latency == null ? null : latency.p95(), latency == null ? null : latency.p99(),
                report.serviceMs() == null ? null : report.serviceMs().mean(), report.swaps());
    }
}
