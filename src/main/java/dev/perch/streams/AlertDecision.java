package dev.perch.streams;

import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.SloEvidence;

import java.util.function.Supplier;

/**
 * Decides, after one prediction window, whether the reporting app's SLO alert changes, and writes the
 * alert that says so. The window's verdicts: <i>predicted over</i> — over now or over at the horizon,
 * as {@link SloEvidence} judges a window for the controller too; <i>observed over</i> — the
 * statistic over the app's SLO window over the SLO, in a window that had requests (an idle window
 * observes nothing new); <i>clear</i> — observed and predicted (now and ahead, the accelerator
 * stable) at or under (1 − margin) × SLO. {@link AlertHysteresis} turns a run of verdicts into a
 * change of state; the alert carries the figures behind it and, for {@code impending}, when the SLO
 * breaks: at once when it is over now, else the time the forecast takes to cross it.
 */
record AlertDecision(AlertHysteresis hysteresis) {
    /** The app's tracker after the window, and the alert to publish — null while the state holds. */
    record Outcome(AlertHysteresis.Tracker tracker, AlertRecord alert) {
    }

    /**
     * @param tracker            the app's alert state before the window
     * @param window             the accelerator's prediction for the window; the app is in it, modelled
     * @param observedMs         the observed value of the SLO's statistic over the app's SLO window
     *                           (rounded), or null
     * @param hadRequests        the app's report for the window counted requests
     * @param secondsToViolation when, within the horizon, the models put the app over its SLO; asked
     *                           only for an impending alert whose app is within its SLO now (it costs
     *                           a bisection over the models)
     */
    Outcome decide(AlertHysteresis.Tracker tracker, PredictionRecord window, String app, Slo slo, Double observedMs,
                   boolean hadRequests, Supplier<Double> secondsToViolation) {
        PredictionRecord.AppPrediction mine = window.apps().stream()
                .filter(a -> a.app().equals(app)).findFirst().orElseThrow();
        boolean overNow = SloEvidence.overNow(window, mine, slo.statistic(), slo.sloMs());
        boolean overAhead = SloEvidence.overAhead(mine.forecast(), slo.statistic(), slo.sloMs());
        double clearMs = (1 - hysteresis.margin()) * slo.sloMs();
        boolean predictedClear = !SloEvidence.overNow(window, mine, slo.statistic(), clearMs)
                && SloEvidence.predicted(mine, slo.statistic()) != null
                && !SloEvidence.overAhead(mine.forecast(), slo.statistic(), clearMs);
        AlertHysteresis.Verdict verdict = new AlertHysteresis.Verdict(overNow || overAhead,
                hadRequests && observedMs != null && observedMs > slo.sloMs(),
                observedMs == null || observedMs <= slo.sloMs(),
                predictedClear && (observedMs == null || observedMs <= clearMs));
        AlertHysteresis.Step step = hysteresis.next(tracker, verdict, window.windowEndMs(), slo.windowSec());
        if (step.emit() == null) {
            return new Outcome(step.tracker(), null);
        }
        Double toViolation = null;
        String reason;
        if (AlertRecord.IMPENDING.equals(step.emit())) {
            toViolation = overNow ? Double.valueOf(0.0) : secondsToViolation.get();
            reason = AlertProse.impending(window, mine, slo, overNow, toViolation, observedMs);
        } else if (AlertRecord.VIOLATION.equals(step.emit())) {
            reason = AlertProse.violation(slo, observedMs);
        } else {
            reason = AlertProse.resolved(slo, clearMs);
        }
        AlertRecord alert = new AlertRecord(AlertRecord.SCHEMA, app + ":" + window.windowEndMs() + ":" + step.emit(),
                step.emit(), app, window.accelerator(), window.node(), slo.sloMs(), slo.statistic().id(),
                SloEvidence.predicted(mine, slo.statistic()), SloEvidence.forecast(mine.forecast(), slo.statistic()),
                toViolation, observedMs, window.windowEndMs(), reason);
        return new Outcome(step.tracker(), alert);
    }
}
