package dev.perch.streams;

import dev.perch.model.profile.SloStatistic;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.PredictionRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Alert decisions and their prose, worked by hand; hysteresis as by default (enter after 2, step down
 * after 3, resolved after a whole window at or under 90 % of the SLO), a 100 ms mean SLO over 5 s.
 */
class AlertDecisionTest {
    private static final Slo SLO = new Slo(100, SloStatistic.MEAN, 5);
    private static final Supplier<Double> NOT_ASKED = () -> {
        throw new AssertionError("the time to a violation is not needed here");
    };
    private final AlertDecision decision = new AlertDecision(AlertHysteresis.DEFAULT);

    private static PredictionRecord window(boolean stable, Double meanMs, PredictionRecord.Forecast forecast, Double slope) {
        return window(stable, meanMs, forecast, slope, 1000);
    }

    private static PredictionRecord window(boolean stable, Double meanMs, PredictionRecord.Forecast forecast, Double slope,
                                           long endMs) {
        var app = PredictionRecord.AppPrediction.builder().app("cam-1").model("m").ratePerSec(5).slopePerSec2(slope)
                .meanMs(meanMs).forecast(forecast).sloMs(100.0).sloStatistic("mean").build();
        return new PredictionRecord(PredictionRecord.SCHEMA, "pi-1/tpu0", "edgetpu", "pi-1", endMs - 1000, endMs, 0.5, stable,
                stable ? null : "accelerator utilization 1.02 >= 1", List.of(app));
    }

    private static final PredictionRecord CALM = window(true, 60.0,
            new PredictionRecord.Forecast(20, 5, 70.0, null, null, null), 0.0);

    /** The alert after the same window twice, from no alert. */
    private AlertRecord twice(PredictionRecord window, Double observedMs, boolean hadRequests, Supplier<Double> seconds) {
        var first = decision.decide(AlertHysteresis.Tracker.INITIAL, window, "cam-1", SLO, observedMs, hadRequests, seconds);
        assertNull(first.alert(), "one window is noise");
        return decision.decide(first.tracker(), window, "cam-1", SLO, observedMs, hadRequests, seconds).alert();
    }

    @Test
    void observedLatencyOverTheSloIsAViolation() {
        AlertRecord alert = twice(CALM, 120.0, true, NOT_ASKED);
        assertEquals(new AlertRecord(AlertRecord.SCHEMA, "cam-1:1000:violation", "violation", "cam-1", "pi-1/tpu0", "pi-1",
                100, "mean", 60.0, 70.0, null, 120.0, 1000, "observed mean 120.0 ms in the last 5 s, over the 100 ms SLO"), alert);
    }

    @Test
    void anIdleWindowObservesNothingNew() {
        assertNull(twice(CALM, 120.0, false, NOT_ASKED));
        assertNull(twice(CALM, 100.0, true, NOT_ASKED), "at the SLO is within it");
    }

    @Test
    void predictedOverNowIsImpendingAtOnce() {
        AlertRecord alert = twice(window(true, 130.0, new PredictionRecord.Forecast(20, 5, 130.0, null, null, null), 0.0),
                70.0, true, NOT_ASKED);
        assertEquals("impending", alert.kind());
        assertEquals(0.0, alert.secondsToViolation());
        assertEquals(130.0, alert.predictedMs());
        assertEquals("predicted mean 130.0 ms over the 100 ms SLO at 5.00 req/s; observed 70.0 ms", alert.reason());
    }

    @Test
    void aForecastOverTheSloSaysWhenAndWhy() {
        AlertRecord alert = twice(window(true, 60.0, new PredictionRecord.Forecast(20, 9, 140.0, null, null, null), 0.2),
                null, true, () -> 12.5);
        assertEquals(12.5, alert.secondsToViolation());
        assertEquals(140.0, alert.forecastMs());
        assertEquals("predicted mean 140.0 ms within 12.5 s, over the 100 ms SLO at 9.00 req/s (rising 0.20 req/s per s);"
                + " observed none", alert.reason());
        alert = twice(window(true, 60.0, new PredictionRecord.Forecast(20, 12, null, null, null, null), null),
                70.0, true, () -> 3.125);
        assertEquals("predicted mean unstable within 3.1 s, over the 100 ms SLO at 12.00 req/s; observed 70.0 ms",
                alert.reason());
    }

    @Test
    void anUnstableAcceleratorIsImpendingForItsReason() {
        AlertRecord alert = twice(window(false, null, new PredictionRecord.Forecast(20, 12, null, null, null, null), 0.0),
                70.0, true, NOT_ASKED);
        assertEquals(0.0, alert.secondsToViolation());
        assertNull(alert.predictedMs());
        assertEquals("predicted unstable: accelerator utilization 1.02 >= 1", alert.reason());
    }

    /** The alert, if any, after each of {@code observedMs} in turn, one second apart from 1 s; CALM's predictions. */
    private java.util.List<AlertRecord> calmFrom(AlertHysteresis.Tracker tracker, double... observedMs) {
        java.util.List<AlertRecord> alerts = new java.util.ArrayList<>();
        for (int i = 0; i < observedMs.length; i++) {
            var outcome = decision.decide(tracker, window(true, 60.0, new PredictionRecord.Forecast(20, 5, 70.0, null, null, null),
                    0.0, (i + 1) * 1000L), "cam-1", SLO, observedMs[i], true, NOT_ASKED);
            alerts.add(outcome.alert());
            tracker = outcome.tracker();
        }
        return alerts;
    }

    @Test
    void aWholeWindowClearByTheMarginResolves() {
        // Raised at 0 s; predicted 60 and 70 ms ahead, observed 70 ms: all under 90 ms, for 5 s at 5 s.
        var raised = new AlertHysteresis.Tracker(AlertHysteresis.State.IMPENDING, 5, 0, 5, 0, AlertHysteresis.NEVER);
        var alerts = calmFrom(raised, 70, 70, 70, 70, 70);
        assertEquals(java.util.Arrays.asList(null, null, null, null), alerts.subList(0, 4));
        AlertRecord resolved = alerts.get(4);
        assertEquals("resolved", resolved.kind());
        assertEquals("back within the 100 ms mean SLO: observed and predicted at most 90.0 ms for 5 s", resolved.reason());
        assertNull(resolved.secondsToViolation());
    }

    @Test
    void anObservationBackUnderTheSloButNotTheMarginKeepsTheAlert() {
        var raised = new AlertHysteresis.Tracker(AlertHysteresis.State.VIOLATION, 0, 5, 0, 0, AlertHysteresis.NEVER);
        // 95 ms is within the SLO, not under 90 ms: ten seconds of it resolve nothing, nor step down.
        assertEquals(java.util.Collections.nCopies(10, null), calmFrom(raised, 95, 95, 95, 95, 95, 95, 95, 95, 95, 95));
        // 90 ms holds the margin (at or under): the window after the last 95 resolves.
        var alerts = calmFrom(raised, 95, 95, 90, 90, 90, 90, 89);
        assertEquals(java.util.Arrays.asList(null, null, null, null, null, null, "resolved").toString(),
                alerts.stream().map(a -> a == null ? null : a.kind()).toList().toString());
    }

    @Test
    void aPredictionInTheMarginKeepsTheAlert() {
        var raised = new AlertHysteresis.Tracker(AlertHysteresis.State.IMPENDING, 5, 0, 5, 0, AlertHysteresis.NEVER);
        var tracker = raised;
        // Predicted 95 ms now: within the SLO, not the margin; observed 50 ms. Nothing for 10 s.
        for (int s = 1; s <= 10; s++) {
            var outcome = decision.decide(tracker, window(true, 95.0, new PredictionRecord.Forecast(20, 5, 80.0, null, null, null),
                    0.0, s * 1000L), "cam-1", SLO, 50.0, true, NOT_ASKED);
            assertNull(outcome.alert(), "at " + s + " s");
            tracker = outcome.tracker();
        }
        assertEquals(AlertHysteresis.State.IMPENDING, tracker.state());
    }
}
