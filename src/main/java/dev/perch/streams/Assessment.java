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

import java.util.LinkedHashMap;
import java.util.function.Function;

/**
 * One admitted report, assessed on its accelerator: what the accelerator remembers afterwards, the
 * prediction to publish, and the reporting app's alert, if its state changes. In order:
 * <ol>
 *   <li>the report joins its app's windows, its SLO window (where the second is judged) and what it
 *   has learned, and apps that left are dropped ({@link AppHistories});</li>
 *   <li>every app's latency is predicted, now and at the horizon ({@link Predictor}), and written as
 *   the prediction record ({@link PredictionRecords});</li>
 *   <li>the reporting app's bias learns from this window: its observed mean against the mean just
 *   predicted (so the bias in this window's prediction is the one learned before it);</li>
 *   <li>the reporting app's alert is decided ({@link AlertDecision}) when it has an SLO and is modelled,
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

    /** The accelerator's state to store, the prediction to publish, and the alert to publish (or null). */
    record Outcome(AcceleratorState state, PredictionRecord prediction, AlertRecord alert) {
    }

    /**
     * @param state  what the accelerator remembers (null for one not seen before)
     * @param specs  the apps table: an app's SLO and placement (null when it has no entry)
     * @param node   the inventory's entry for the report's node (null when none: no network or front end)
     */
    Outcome assess(AcceleratorState state, TelemetryReport report, Function<String, AppRecord> specs, InventoryRecord node) {
        LinkedHashMap<String, AcceleratorState.AppHistory> apps = histories.fold(state, report, specs);

        AcceleratorType type = AcceleratorType.parse(report.acceleratorType());
        EndToEnd path = node == null ? EndToEnd.NONE
                : new EndToEnd(node.networkMs(), node.frontendServiceMs(), frontendCv);
        Predictions predictions = predictor.predict(type, apps.values(), path);
        PredictionRecord prediction = records.write(report, predictions, specs);

        AcceleratorState.AppHistory mine = apps.get(report.app());
        int index = predictions.indexOf(report.app());
        if (index >= 0 && predictions.now() instanceof AcceleratorPrediction.Stable && report.requests() > 0) {
            Double observedMean = report.latencyMs() == null ? null : report.latencyMs().mean();
            mine = mine.withLearned(learning.withBias(mine.learned(), observedMean, predictions.now(index).meanMs(),
                    report.requests()));
        }
        AlertRecord alert = null;
        AppRecord spec = specs.apply(report.app());
        if (spec != null && index >= 0) {
            Slo slo = Slo.of(spec);
            // The time to a violation is corrected by the bias as it stands after this window.
            double bias = learning.biasFactor(mine.learned());
            AlertDecision.Outcome decided = alerts.decide(mine.alert(), prediction, report.app(), slo,
                    Samples.round(SloWindows.figures(mine.sloWindow()).statistic(slo.statistic())), report.requests() > 0,
                    () -> predictor.secondsToViolation(predictions, report.app(), slo, bias));
            mine = mine.withAlert(decided.tracker());
            alert = decided.alert();
        }
        apps.put(report.app(), mine);
        return new Outcome(new AcceleratorState(report.accelerator(), report.acceleratorType(), report.node(), apps),
                prediction, alert);
    }
}
