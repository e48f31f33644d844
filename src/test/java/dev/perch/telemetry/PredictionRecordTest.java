package dev.perch.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which prediction windows still put an app at risk: each kind of evidence on its own. */
class PredictionRecordTest {
    private static final PredictionRecord.Forecast CALM_AHEAD = new PredictionRecord.Forecast(20, 5, 60.0, 50.0, 110.0, 150.0);

    private static PredictionRecord window(boolean stable, Double predictedMeanMs, PredictionRecord.Forecast forecast,
                                           Double observedMeanMs, Double sloMs, String statistic) {
        var entry = new PredictionRecord.AppPrediction("cam-1", "mobilenet_v2", 5, 0.0, 4.0, 10.0, 0.1, "learned", 1.0,
                predictedMeanMs, null, 90.0, 120.0, forecast, observedMeanMs, 95.0, observedMeanMs, sloMs, statistic,
                sloMs == null || predictedMeanMs == null ? null : predictedMeanMs <= sloMs);
        return new PredictionRecord(PredictionRecord.SCHEMA, "pi-1/tpu0", "edgetpu", "pi-1", 0, 1000, 0.5, stable,
                stable ? null : "utilization 1.02 >= 1", List.of(entry));
    }

    @Test
    void anAppIsAtRiskOnAnyOneKindOfEvidence() {
        assertFalse(window(true, 60.0, CALM_AHEAD, 70.0, 100.0, "mean").atRisk("cam-1"), "all within the 100 ms SLO");
        assertTrue(window(false, null, CALM_AHEAD, 70.0, 100.0, "mean").atRisk("cam-1"), "unstable");
        assertTrue(window(true, 130.0, CALM_AHEAD, 70.0, 100.0, "mean").atRisk("cam-1"), "predicted over");
        assertTrue(window(true, 60.0, new PredictionRecord.Forecast(20, 9, 140.0, null, null, null), 70.0, 100.0, "mean")
                .atRisk("cam-1"), "forecast over");
        assertTrue(window(true, 60.0, new PredictionRecord.Forecast(20, 12, null, null, null, null), 70.0, 100.0, "mean")
                .atRisk("cam-1"), "unstable ahead");
        assertFalse(window(true, 60.0, null, 70.0, 100.0, "mean").atRisk("cam-1"), "no forecast says nothing ahead");
        assertTrue(window(true, 60.0, CALM_AHEAD, 104.0, 100.0, "mean").atRisk("cam-1"), "observed over");
        assertTrue(window(true, 60.0, CALM_AHEAD, 70.0, 100.0, "p95").atRisk("cam-1"), "the p95 forecast (110 ms) is over");
        assertFalse(window(true, 60.0, CALM_AHEAD, 70.0, 200.0, "p95").atRisk("cam-1"), "p95 90 / 110 / observed 95 ms within 200 ms");
        assertFalse(window(true, 130.0, CALM_AHEAD, 170.0, null, null).atRisk("cam-1"), "no SLO, no risk");
        assertFalse(window(false, null, CALM_AHEAD, 70.0, 100.0, "mean").atRisk("cam-2"), "not in this window");
        assertFalse(window(true, 130.0, CALM_AHEAD, 170.0, 100.0, "p42").atRisk("cam-1"), "an unknown statistic: no verdict");
    }
}
