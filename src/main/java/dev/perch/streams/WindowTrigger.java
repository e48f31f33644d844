package dev.perch.streams;

import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.TelemetryReport;

import java.util.function.Function;

/**
 * Decides when an accelerator's telemetry window is predicted: once per window, as soon as its
 * reports are in, so that alerts come in the same step as the reports that raise them.
 * <ul>
 *   <li>A report of a window <b>later</b> than the open one closes the open one first (its reports
 *   are all that will come in time).</li>
 *   <li>The open window is <b>complete</b> — predicted at once, on the report that completes it —
 *   when every app the accelerator <i>expects</i> has reported it: the apps that reported the window
 *   predicted before it, or this one, less those the apps table places on another accelerator (a
 *   move: the window's prediction leaves them out). An app that skipped the previous window is not waited
 *   for; one that stops reporting is waited for once, until a later window or the processor's
 *   wall-clock timer closes that window.</li>
 *   <li>A report of a window at or before the one predicted last (a node catching up, or an app new
 *   to the accelerator whose first report comes after the others completed the window) is
 *   <b>late</b>: it is learned from, and shows in the next window's prediction.</li>
 * </ul>
 * Pure: the processor holds the state and the open window and acts on the answers.
 */
final class WindowTrigger {
    private WindowTrigger() {
    }

    /** Whether {@code report} belongs to a window after the open one, which must be predicted first. */
    static boolean closesOpen(OpenWindow open, TelemetryReport report) {
        return open != null && report.windowStartMs() > open.startMs();
    }

    /**
     * The open window after {@code report} (already folded into {@code state}): opened by it, joined
     * by it, or unchanged when the report is late ({@code open} after {@link #closesOpen} was acted on).
     */
    static OpenWindow after(AcceleratorState state, OpenWindow open, TelemetryReport report) {
        if (open == null) {
            return report.windowStartMs() > state.closedStartMs()
                    ? OpenWindow.of(report.windowStartMs(), report.windowEndMs(), report.app()) : null;
        }
        return report.windowStartMs() == open.startMs() ? open.with(report.app(), report.windowEndMs()) : open;
    }

    /** Whether every app the accelerator expects has reported the open window. */
    static boolean complete(AcceleratorState state, OpenWindow open, Function<String, AppRecord> specs) {
        if (open == null) {
            return false;
        }
        for (AcceleratorState.AppHistory history : state.apps().values()) {
            if (!open.reported().contains(history.app()) && expected(state, history, specs)) {
                return false;
            }
        }
        return true;
    }

    /** The apps table is asked last: this runs on every report, for each app not yet heard from. */
    private static boolean expected(AcceleratorState state, AcceleratorState.AppHistory history,
                                    Function<String, AppRecord> specs) {
        if (state.closedStartMs() == AcceleratorState.NONE_CLOSED
                || AcceleratorState.latestStartMs(history) < state.closedStartMs()) {
            return false;
        }
        return !AppHistories.placedElsewhere(specs.apply(history.app()), state.accelerator());
    }
}
