package dev.perch.telemetry;

import dev.perch.model.profile.SloStatistic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What one prediction window says about an app's SLO: each kind of evidence on its own. */
class SloEvidenceTest {
    private static final PredictionRecord.Forecast CALM_AHEAD = new PredictionRecord.Forecast(20, 5, 60.0, 50.0, 110.0, 150.0);

    private static PredictionRecord.AppPrediction entry(Double predictedMeanMs, PredictionRecord.Forecast forecast,
                                                        Double observedMeanMs, Double sloMs, String statistic) {
        return PredictionRecord.AppPrediction.builder().app("cam-1").model("mobilenet_v2").ratePerSec(5)
                .slopePerSec2(0.0).serviceMs(4.0).swapMs(10.0).serviceCv(0.1).parameterSource("learned").biasFactor(1.0)
                .meanMs(predictedMeanMs).p95Ms(90.0).p99Ms(120.0).forecast(forecast)
                .observedMeanMs(observedMeanMs).observedP95Ms(95.0).observedRecentMeanMs(observedMeanMs)
                .sloMs(sloMs).sloStatistic(statistic)
                .sloMet(sloMs == null || predictedMeanMs == null ? null : predictedMeanMs <= sloMs)
                .build();
    }

    private static PredictionRecord window(boolean stable, PredictionRecord.AppPrediction entry) {
        return new PredictionRecord(PredictionRecord.SCHEMA, "pi-1/tpu0", "edgetpu", "pi-1", 0, 1000, 0.5, stable,
                stable ? null : "utilization 1.02 >= 1", List.of(entry));
    }

    private static PredictionRecord window(boolean stable, Double predictedMeanMs, PredictionRecord.Forecast forecast,
                                           Double observedMeanMs, Double sloMs, String statistic) {
        return window(stable, entry(predictedMeanMs, forecast, observedMeanMs, sloMs, statistic));
    }

    private static boolean atRisk(PredictionRecord window, String app) {
        return SloEvidence.atRisk(window, app);
    }

    @Test
    void anAppIsAtRiskOnAnyOneKindOfEvidence() {
        assertFalse(atRisk(window(true, 60.0, CALM_AHEAD, 70.0, 100.0, "mean"), "cam-1"), "all within the 100 ms SLO");
        assertTrue(atRisk(window(false, null, CALM_AHEAD, 70.0, 100.0, "mean"), "cam-1"), "unstable");
        assertTrue(atRisk(window(true, 130.0, CALM_AHEAD, 70.0, 100.0, "mean"), "cam-1"), "predicted over");
        assertTrue(atRisk(window(true, 60.0, new PredictionRecord.Forecast(20, 9, 140.0, null, null, null), 70.0, 100.0,
                "mean"), "cam-1"), "forecast over");
        assertTrue(atRisk(window(true, 60.0, new PredictionRecord.Forecast(20, 12, null, null, null, null), 70.0, 100.0,
                "mean"), "cam-1"), "unstable ahead");
        assertFalse(atRisk(window(true, 60.0, null, 70.0, 100.0, "mean"), "cam-1"), "no forecast says nothing ahead");
        assertTrue(atRisk(window(true, 60.0, CALM_AHEAD, 104.0, 100.0, "mean"), "cam-1"), "observed over");
        assertTrue(atRisk(window(true, 60.0, CALM_AHEAD, 70.0, 100.0, "p95"), "cam-1"), "the p95 forecast (110 ms) is over");
        assertFalse(atRisk(window(true, 60.0, CALM_AHEAD, 70.0, 200.0, "p95"), "cam-1"), "p95 90 / 110 / observed 95 ms within 200 ms");
        assertFalse(atRisk(window(true, 130.0, CALM_AHEAD, 170.0, null, null), "cam-1"), "no SLO, no risk");
        assertFalse(atRisk(window(false, null, CALM_AHEAD, 70.0, 100.0, "mean"), "cam-2"), "not in this window");
        assertFalse(atRisk(window(true, 130.0, CALM_AHEAD, 170.0, 100.0, "p42"), "cam-1"), "an unknown statistic: no verdict");
    }

    @Test
    void aWindowCarriesObservedLatencyForTheMeanAndTheP95Only() {
        var entry = entry(60.0, CALM_AHEAD, 70.0, 100.0, "mean");
        assertEquals(70.0, SloEvidence.observed(entry, SloStatistic.MEAN));
        assertEquals(95.0, SloEvidence.observed(entry, SloStatistic.P95));
        assertNull(SloEvidence.observed(entry, SloStatistic.P50), "no observed p50: not the mean in its place");
        assertNull(SloEvidence.observed(entry, SloStatistic.P99));
        // An observed p99 far over the SLO cannot put the app at risk: the window does not carry it.
        assertFalse(atRisk(window(true, entry(60.0, new PredictionRecord.Forecast(20, 5, 60.0, 50.0, 110.0, 100.0),
                500.0, 130.0, "p99")), "cam-1"));
    }

    @Test
    void predictedAndForecastValuesAreTheStatisticsOwnFigures() {
        var entry = entry(60.0, CALM_AHEAD, 70.0, 100.0, "mean");
        assertEquals(60.0, SloEvidence.predicted(entry, SloStatistic.MEAN));
        assertNull(SloEvidence.predicted(entry, SloStatistic.P50), "not predicted");
        assertEquals(90.0, SloEvidence.predicted(entry, SloStatistic.P95));
        assertEquals(120.0, SloEvidence.predicted(entry, SloStatistic.P99));
        assertEquals(60.0, SloEvidence.forecast(CALM_AHEAD, SloStatistic.MEAN));
        assertEquals(50.0, SloEvidence.forecast(CALM_AHEAD, SloStatistic.P50));
        assertEquals(110.0, SloEvidence.forecast(CALM_AHEAD, SloStatistic.P95));
        assertEquals(150.0, SloEvidence.forecast(CALM_AHEAD, SloStatistic.P99));
        assertNull(SloEvidence.forecast(null, SloStatistic.P99));
    }

    @Test
    void thePredictedIntervalIsTheStatisticsOwnAndNoneForTheP50() {
        var known = PredictionRecord.AppPrediction.builder().app("cam-1").ratePerSec(5).meanMs(60.0).p50Ms(50.0).p95Ms(90.0)
                .p99Ms(120.0).confidence(new Confidence(null, null, null, new Confidence.Latency(2.0, 5.0, 8.0))).build();
        // ± 1.96 standard errors: 60 ± 3.92, 90 ± 9.80, 120 ± 15.68.
        assertEquals(new Confidence.Interval(56.08, 63.92), SloEvidence.predictedInterval(known, SloStatistic.MEAN));
        assertEquals(new Confidence.Interval(80.2, 99.8), SloEvidence.predictedInterval(known, SloStatistic.P95));
        assertEquals(new Confidence.Interval(104.32, 135.68), SloEvidence.predictedInterval(known, SloStatistic.P99));
        assertNull(SloEvidence.predictedInterval(known, SloStatistic.P50), "the record carries no p50 interval");
        var unknown = PredictionRecord.AppPrediction.builder().app("cam-1").ratePerSec(5).meanMs(60.0).build();
        assertNull(SloEvidence.predictedInterval(unknown, SloStatistic.MEAN), "nothing known of the confidence");
    }

    @Test
    void overNowAndOverAheadCompareStrictlyAndTreatInstabilityAsOver() {
        var entry = entry(100.0, CALM_AHEAD, 70.0, 100.0, "mean");
        assertFalse(SloEvidence.overNow(window(true, entry), entry, SloStatistic.MEAN, 100), "at the SLO is within it");
        assertTrue(SloEvidence.overNow(window(true, entry), entry, SloStatistic.MEAN, 99.9));
        assertTrue(SloEvidence.overNow(window(false, entry), entry, SloStatistic.MEAN, 1000), "unstable is over, whatever the figure");
        assertFalse(SloEvidence.overNow(window(true, entry), entry, SloStatistic.P50, 1), "no p50 predicted: no verdict now");
        assertFalse(SloEvidence.overAhead(CALM_AHEAD, SloStatistic.P95, 110));
        assertTrue(SloEvidence.overAhead(CALM_AHEAD, SloStatistic.P95, 109.9));
        assertTrue(SloEvidence.overAhead(new PredictionRecord.Forecast(20, 12, null, null, null, null), SloStatistic.MEAN, 1e9),
                "unstable ahead is over");
        assertFalse(SloEvidence.overAhead(null, SloStatistic.MEAN, 1), "no forecast: nothing ahead");
    }
}
