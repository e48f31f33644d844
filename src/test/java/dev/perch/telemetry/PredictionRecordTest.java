package dev.perch.telemetry;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Prediction records built by name, and their JSON as the contract spells it. */
class PredictionRecordTest {
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

    @Test
    void aWindowReadsBackAsItWasWritten() {
        var entry = PredictionRecord.AppPrediction.builder().app("cam-1").model("mobilenet_v2").ratePerSec(5)
                .meanMs(60.0).forecast(new PredictionRecord.Forecast(20, 5, null, null, null, null)).build();
        var window = new PredictionRecord(PredictionRecord.SCHEMA, "pi-1/tpu0", "edgetpu", "pi-1", 0, 1000, 0.5, true,
                null, java.util.List.of(entry));
        assertEquals(window, Json.read(Json.write(window), PredictionRecord.class));
    }
}
