package dev.perch.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Prediction records built by name, and which prediction windows still put an app at risk. */
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

    @Test
    void theBuilderSetsEveryFieldByNameAndTheJsonIsTheContracts() {
        var forecast = new PredictionRecord.Forecast(20, 5.5, 61.0, 51.0, 111.0, 151.0);
        var built = PredictionRecord.AppPrediction.builder()
                .app("cam-1").model("mobilenet_v2").ratePerSec(5).slopePerSec2(0.1)
                .serviceMs(4.0).swapMs(10.0).serviceCv(0.2).parameterSource("learned").biasFactor(1.1)
                .meanMs(60.0).p50Ms(50.0).p95Ms(110.0).p99Ms(150.0).forecast(forecast)
                .observedMeanMs(70.0).observedP95Ms(95.0).observedRecentMeanMs(71.0)
                .sloMs(100.0).sloStatistic("p95").sloMet(false)
                .build();
        assertEquals(new PredictionRecord.AppPrediction("cam-1", "mobilenet_v2", 5, 0.1, 4.0, 10.0, 0.2, "learned", 1.1,
                60.0, 50.0, 110.0, 150.0, forecast, 70.0, 95.0, 71.0, 100.0, "p95", false), built);
        assertEquals("{\"app\":\"cam-1\",\"model\":\"mobilenet_v2\",\"ratePerSec\":5.0,\"slopePerSec2\":0.1,"
                + "\"serviceMs\":4.0,\"swapMs\":10.0,\"serviceCv\":0.2,\"parameterSource\":\"learned\",\"biasFactor\":1.1,"
                + "\"meanMs\":60.0,\"p50Ms\":50.0,\"p95Ms\":110.0,\"p99Ms\":150.0,"
                + "\"forecast\":{\"horizonSec\":20.0,\"ratePerSec\":5.5,\"meanMs\":61.0,\"p50Ms\":51.0,\"p95Ms\":111.0,\"p99Ms\":151.0},"
                + "\"observedMeanMs\":70.0,\"observedP95Ms\":95.0,\"observedRecentMeanMs\":71.0,"
                + "\"sloMs\":100.0,\"sloStatistic\":\"p95\",\"sloMet\":false}", Json.write(built));
        assertEquals("{\"app\":\"x\",\"ratePerSec\":0.0}", Json.write(PredictionRecord.AppPrediction.builder().app("x").build()),
                "what is not set is null, and left out");
    }
}
