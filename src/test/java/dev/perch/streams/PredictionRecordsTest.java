package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.TelemetryReport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.perch.streams.TopologyFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The prediction record written from given model outputs: every figure worked by hand. */
class PredictionRecordsTest {
    private static final TelemetryReport REPORT = TopologyFixture.report("a", "m", "pi-1/tpu0", 9, 10, 20);
    private static final List<AcceleratorState.Window> WINDOWS = List.of(
            new AcceleratorState.Window(T0, T0 + 1000, 10, 50.0, 45.0, 90.0, 120.0, 4.0, 0L),
            new AcceleratorState.Window(T0 + 1000, T0 + 2000, 30, 70.0, 65.0, 130.0, 160.0, 4.0, 0L));
    /** The same two seconds in the app's SLO window (without histograms). */
    private static final AcceleratorState.SloWindow SLO_WINDOW = SloWindows.observe(
            SloWindows.observe(null, second(0, 10, 50, 90), null, 60), second(1, 30, 70, 130), null, 60);
    private final PredictionRecords records = new PredictionRecords();

    private static TelemetryReport second(int second, long requests, double meanMs, double p95Ms) {
        return new TelemetryReport(TelemetryReport.SCHEMA, "pi-1", "pi-1/tpu0", "edgetpu", "a", "m", T0 + second * 1000L,
                T0 + (second + 1) * 1000L, requests, new LatencySummary(meanMs, null, p95Ms, null, null), null, null, 0L);
    }

    private static AppRecord spec(String app, double sloMs, String statistic) {
        return new AppRecord(AppRecord.SCHEMA, app, "m", 2, sloMs, statistic, 60, "pi-1", "pi-1/tpu0", null, T0);
    }

    private static Predictions predictions(AcceleratorPrediction now, AcceleratorPrediction ahead, String... unmodelled) {
        var a = new AcceleratorState.AppHistory("a", "m", WINDOWS, Learned.EMPTY, AlertHysteresis.Tracker.INITIAL,
                SLO_WINDOW);
        var modelled = new Predictions.Modelled(a, new Learning.Rate(2.00049, 0.1),
                new Learning.Service(100.12345, 19.9999, 0.05, "learned"), new Learning.Bias(1.1, Double.NaN, 60));
        List<Predictions.Unmodelled> others = java.util.Arrays.stream(unmodelled)
                .map(app -> new Predictions.Unmodelled(new AcceleratorState.AppHistory(app, "new_model", WINDOWS,
                        Learned.EMPTY, AlertHysteresis.Tracker.INITIAL, SLO_WINDOW), 3.0))
                .toList();
        return new Predictions(AcceleratorType.EDGETPU, EndToEnd.NONE, 20, List.of(modelled), others, now, ahead);
    }

    private static AcceleratorPrediction stable(double meanMs, double p95Ms) {
        return new AcceleratorPrediction.Stable(0.40004, List.of(new AppLatency("a", meanMs, meanMs - 10, p95Ms,
                p95Ms + 50, meanMs, 0, 0)));
    }

    @Test
    void latenciesAreCorrectedByTheBiasAndFiguresRounded() {
        PredictionRecord r = records.write(REPORT, predictions(stable(100, 180), stable(150, 250)),
                Map.of("a", spec("a", 190, "p95"))::get);
        assertEquals(new PredictionRecord(PredictionRecord.SCHEMA, "pi-1/tpu0", "edgetpu", "pi-1", T0 + 9000, T0 + 10_000,
                0.4, true, null, r.apps(), List.of("a")), r);
        PredictionRecord.AppPrediction a = r.apps().get(0);
        assertEquals(PredictionRecord.AppPrediction.builder()
                .app("a").model("m").ratePerSec(2.0).slopePerSec2(0.1)
                .serviceMs(100.123).swapMs(20.0).serviceCv(0.05).parameterSource("learned").biasFactor(1.1)
                .meanMs(110.0).p50Ms(99.0).p95Ms(198.0).p99Ms(253.0)
                // 20 s ahead at 2.0005 + 0.1 × 20 req/s; latencies × 1.1.
                .forecast(new PredictionRecord.Forecast(20, 4.0, 165.0, 154.0, 275.0, 330.0))
                // Over the SLO window: (10 × 50 + 30 × 70) / 40, and without histograms the request-weighted
                // mean of the seconds' p95, (10 × 90 + 30 × 130) / 40; the last 20 requests: the second window.
                .observedMeanMs(65.0).observedP95Ms(120.0).observedRecentMeanMs(70.0)
                .sloMs(190.0).sloStatistic("p95").sloMet(false) // 180 × 1.1 = 198 > 190
                .sloWindowSec(60).observedWindowMs(120.0).judgedSeconds(0L).violationSeconds(0L)
                .build(), a);
    }

    @Test
    void theSloIsMetOnlyWhenTheStatisticOverTheWindowIsWithinItToo() {
        // Predicted mean 50 × 1.1 = 55 ms, within a 60 ms SLO; observed over the window 65 ms, over it.
        var r = records.write(REPORT, predictions(stable(50, 90), stable(50, 90)), Map.of("a", spec("a", 60, "mean"))::get);
        assertEquals(55.0, r.apps().get(0).meanMs());
        assertEquals(65.0, r.apps().get(0).observedWindowMs());
        assertEquals(false, r.apps().get(0).sloMet());
        r = records.write(REPORT, predictions(stable(50, 90), stable(50, 90)), Map.of("a", spec("a", 65, "mean"))::get);
        assertEquals(true, r.apps().get(0).sloMet(), "65 ms observed is within a 65 ms SLO");
    }

    @Test
    void theSloIsJudgedOnTheCorrectedUnroundedFigure() {
        // 181.8185 × 1.1 = 200.00035: written as 200.0, yet over a 200 ms SLO.
        var r = records.write(REPORT, predictions(stable(100, 181.8185), stable(150, 250)),
                Map.of("a", spec("a", 200, "p95"))::get);
        assertEquals(200.0, r.apps().get(0).p95Ms());
        assertEquals(false, r.apps().get(0).sloMet());
        r = records.write(REPORT, predictions(stable(100, 181.8181), stable(150, 250)),
                Map.of("a", spec("a", 200, "p95"))::get);
        assertEquals(true, r.apps().get(0).sloMet(), "181.8181 × 1.1 = 199.99991");
        // An unknown statistic is judged as the default, p95, and written as such.
        r = records.write(REPORT, predictions(stable(100, 181.8181), stable(150, 250)),
                Map.of("a", spec("a", 200, "p42"))::get);
        assertEquals("p95", r.apps().get(0).sloStatistic());
    }

    @Test
    void unstableNowHasNoLatenciesAndMissesItsSlo() {
        var unstable = new AcceleratorPrediction.Unstable(1.0234, "accelerator utilization 1.02 >= 1");
        PredictionRecord r = records.write(REPORT, predictions(unstable, unstable), Map.of("a", spec("a", 500, "mean"))::get);
        assertFalse(r.stable());
        assertEquals("accelerator utilization 1.02 >= 1", r.reason());
        assertEquals(1.023, r.utilization());
        PredictionRecord.AppPrediction a = r.apps().get(0);
        assertNull(a.meanMs());
        assertNull(a.p99Ms());
        assertEquals(new PredictionRecord.Forecast(20, 4.0, null, null, null, null), a.forecast());
        assertEquals(false, a.sloMet());
    }

    @Test
    void anUnmodelledAppCarriesItsRateObservationsAndSloOnly() {
        PredictionRecord r = records.write(REPORT, predictions(stable(100, 180), stable(150, 250), "n", "x"),
                Map.of("n", spec("n", 300, "mean"))::get);
        assertEquals(List.of("a", "n", "x"), r.apps().stream().map(PredictionRecord.AppPrediction::app).toList());
        assertEquals(PredictionRecord.AppPrediction.builder().app("n").model("new_model").ratePerSec(3.0)
                .parameterSource("none").observedMeanMs(65.0).observedP95Ms(120.0).observedRecentMeanMs(70.0)
                .sloMs(300.0).sloStatistic("mean").sloWindowSec(60).observedWindowMs(65.0).judgedSeconds(0L)
                .violationSeconds(0L).build(), r.apps().get(1));
        PredictionRecord.AppPrediction noSpec = r.apps().get(2);
        assertNull(noSpec.sloMs());
        assertNull(noSpec.sloStatistic());
        assertNull(noSpec.sloMet());
        assertNull(r.apps().get(0).sloMs(), "a has no entry in this apps table");
        assertNull(r.apps().get(0).sloMet());
    }
}
