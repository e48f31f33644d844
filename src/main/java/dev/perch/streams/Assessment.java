package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.Samples;
import dev.perch.telemetry.TelemetryReport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Assesses an accelerator in two steps. Per admitted report, {@link #fold}: the report joins its
 * app's windows, its SLO window (where the second is judged) and what it has learned, and apps silent
 * too long are dropped ({@link AppHistories}). Once per telemetry window ({@link WindowTrigger} says
 * when), {@link #close}:
 * <ol>
 *   <li>apps the apps table places on another accelerator are dropped;</li>
 *   <li>every app's latency is predicted, now and at the horizon ({@link Predictor}), and written as
 *   the window's prediction record ({@link PredictionRecords});</li>
 *   <li>each app that reported the window learns its bias from it: its observed mean against the mean
 *   just predicted (so the bias in this window's prediction is the one learned before it);</li>
 *   <li>each such app's alert is decided ({@link AlertDecision}) when it has an SLO and is modelled,
 *   on the statistic over its SLO window.</li>
 * </ol>
 * Pure: the processor hands it the state and the tables' entries, and stores and forwards what it returns.
 */
final class Assessment {
    private final Learning learning;
    private final double frontendCv;
    private final AppHistories histories;
    private final Predictor predictor;
    private final PredictionRecords records;
    private final AlertDecision alerts;

    Assessment(TopologySettings settings) {
        this.learning = settings.learning();
        this.frontendCv = settings.frontendCv();
        this.histories = new AppHistories(learning, settings.trendMs());
        this.predictor = new Predictor(settings.catalog(), learning, settings.horizonSec());
        this.records = new PredictionRecords();
        this.alerts = new AlertDecision(settings.hysteresis());
    }

    /** The accelerator's state to store, the window's prediction to publish, and the alerts it raised (app by app). */
    record Outcome(AcceleratorState state, PredictionRecord prediction, List<AlertRecord> alerts) {
        Outcome {
            alerts = List.copyOf(alerts);
        }

        /** The one alert of a window one app reported, or null. */
        AlertRecord alert() {
            return alerts.isEmpty() ? null : alerts.get(0);
        }
    }

    /**
     * What the accelerator remembers after {@code report}: learned from, not yet predicted.
     *
     * @param state what the accelerator remembers (null for one not seen before)
     * @param specs the apps table: an app's SLO and placement (null when it has no entry)
     */
    AcceleratorState fold(AcceleratorState state, TelemetryReport report, Function<String, AppRecord> specs) {
        OrderedApps apps = histories.fold(state, report, specs);
        return new AcceleratorState(report.accelerator(), report.acceleratorType(), report.node(), apps,
                state == null ? AcceleratorState.NONE_CLOSED : state.closedStartMs());
    }

    /**
     * The window {@code window} predicted on the accelerator, and the bias and alert of each app that
     * reported it decided.
     *
     * @param node the inventory's entry for the accelerator's node (null when none: no network or front end)
     */
    Outcome close(AcceleratorState state, OpenWindow window, Function<String, AppRecord> specs, InventoryRecord node) {
        OrderedApps apps = AppHistories.withoutMovedAway(OrderedApps.copyOf(state.apps()), state.accelerator(), specs);
        AcceleratorType type = AcceleratorType.parse(state.acceleratorType());
        EndToEnd path = node == null ? EndToEnd.NONE
                : new EndToEnd(node.networkMs(), node.frontendServiceMs(), frontendCv);
        Predictions predictions = predictor.predict(type, apps.values(), path);
        PredictionRecord prediction = records.write(state, window, predictions, specs);
        List<AlertRecord> raised = new ArrayList<>();
        for (String app : window.reported()) {
            AcceleratorState.AppHistory mine = apps.get(app);
            AcceleratorState.Window reported = mine == null ? null : reportOf(mine, window.startMs());
            if (reported == null) {
                continue;
            }
            Decided decided = decide(mine, reported, predictions, prediction, specs.apply(app));
            apps = apps.with(decided.history());
            if (decided.alert() != null) {
                raised.add(decided.alert());
            }
        }
        return new Outcome(new AcceleratorState(state.accelerator(), state.acceleratorType(), state.node(), apps,
                window.startMs()), prediction, raised);
    }

    /** An app's history after a window it reported, and the alert the window raised for it (or null). */
    private record Decided(AcceleratorState.AppHistory history, AlertRecord alert) {
    }

    /** The bias the app learns from its report of the window, and its alert decided on the window's prediction. */
    private Decided decide(AcceleratorState.AppHistory mine, AcceleratorState.Window reported, Predictions predictions,
                           PredictionRecord prediction, AppRecord spec) {
        String app = mine.app();
        int index = predictions.indexOf(app);
        if (index >= 0 && predictions.now() instanceof AcceleratorPrediction.Stable && reported.requests() > 0) {
            mine = mine.withLearned(learning.withBias(mine.learned(), reported.meanMs(), predictions.now(index).meanMs(),
                    reported.requests()));
        }
        AlertRecord alert = null;
        if (spec != null && index >= 0) {
            Slo slo = Slo.of(spec);
            // The time to a violation is corrected by the bias as it stands after this window.
            double bias = learning.biasFactor(mine.learned());
            AlertDecision.Outcome decided = alerts.decide(mine.alert(), prediction, app, slo,
                    Samples.round(SloWindows.figures(mine.sloWindow()).statistic(slo.statistic())), reported.requests() > 0,
                    () -> predictor.secondsToViolation(predictions, app, slo, bias));
            mine = mine.withAlert(decided.tracker());
            alert = decided.alert();
        }
        return new Decided(mine, alert);
    }

    /** The app's report of the window starting at {@code startMs} (its windows are in time order). */
    private static AcceleratorState.Window reportOf(AcceleratorState.AppHistory history, long startMs) {
        List<AcceleratorState.Window> windows = history.windows();
        for (int i = windows.size() - 1; i >= 0; i--) {
            if (windows.get(i).windowStartMs() == startMs) {
                return windows.get(i);
            }
        }
        return null;
    }

    /**
     * One report folded and its window predicted at once: the whole assessment of an accelerator one
     * app reports on, as tests and one-app accelerators see it.
     */
    Outcome assess(AcceleratorState state, TelemetryReport report, Function<String, AppRecord> specs, InventoryRecord node) {
        AcceleratorState folded = fold(state, report, specs);
        return close(folded, OpenWindow.of(report.windowStartMs(), report.windowEndMs(), report.app()), specs, node);
    }
}
