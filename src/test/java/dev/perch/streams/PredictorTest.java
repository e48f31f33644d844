package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.EndToEnd;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the predictor says, against textbook queues: M/D/1, M/G/1 (Pollaczek–Khinchine), M/G/1-PS. */
class PredictorTest {
    private static final double S = 100;
    private static final ProfileCatalog CATALOG = new ProfileCatalog(Map.of(
            "m", Map.of(AcceleratorType.EDGETPU, new ModelProfile(S, 20, 100, "test")),
            "g1", Map.of(AcceleratorType.GPU, new ModelProfile(10, 0, 100, "test")),
            "g2", Map.of(AcceleratorType.GPU, new ModelProfile(40, 0, 100, "test"))));
    private final Predictor predictor = new Predictor(CATALOG, Learning.DEFAULT, 20);

    /** An app that has learned its rate only: its service time is the catalog's, deterministic. */
    private static AcceleratorState.AppHistory app(String app, String model, double ratePerSec) {
        return new AcceleratorState.AppHistory(app, model, List.of(), Learning.DEFAULT.seeded(ratePerSec),
                AlertHysteresis.Tracker.INITIAL, SloWindows.start(60, 0));
    }

    /** Pollaczek–Khinchine: mean response of M/G/1 FCFS with rate λ (per ms), mean service s, CV cv. */
    private static double pk(double lambdaPerMs, double s, double cv) {
        return s + lambdaPerMs * s * s * (1 + cv * cv) / (2 * (1 - lambdaPerMs * s));
    }

    @Test
    void aLoneAppOnAnEdgeTpuIsAnMD1Queue() {
        // One model never swaps, and service is deterministic: M/D/1 at ρ = 4/s × 100 ms = 0.4.
        Predictions p = predictor.predict(AcceleratorType.EDGETPU, List.of(app("a", "m", 4)), EndToEnd.NONE);
        assertEquals(0.4, p.now().utilization(), 1e-9);
        assertEquals(S + 0.004 * S * S / (2 * (1 - 0.4)), p.now(0).meanMs(), 1e-6);
        assertEquals("catalog", p.modelled().get(0).service().source());
        assertEquals(1.0, p.modelled().get(0).bias().factor(), "no bias learned yet");
        assertEquals(p.now(0), p.ahead(0), "no trend: the horizon looks like now");
    }

    @Test
    void theFrontEndAndNetworkAddAnMG1QueueAndAConstant() {
        EndToEnd path = new EndToEnd(10, 20, 0.2);
        Predictions p = predictor.predict(AcceleratorType.EDGETPU, List.of(app("a", "m", 4)), path);
        assertEquals(10 + pk(0.004, 20, 0.2) + pk(0.004, S, 0), p.now(0).meanMs(), 1e-6);
    }

    @Test
    void appsSharingAGpuAreAProcessorSharingQueue() {
        // ρ = 20/s × 10 ms + 5/s × 40 ms = 0.4; under PS each job is stretched by 1/(1−ρ).
        Predictions p = predictor.predict(AcceleratorType.GPU, List.of(app("x", "g1", 20), app("y", "g2", 5)),
                EndToEnd.NONE);
        assertEquals(0.4, p.now().utilization(), 1e-9);
        assertEquals(10 / 0.6, p.now(0).meanMs(), 1e-6);
        assertEquals(40 / 0.6, p.now(1).meanMs(), 1e-6);
        assertEquals(1, p.indexOf("y"));
    }

    @Test
    void anOverloadedAcceleratorIsUnstableAndAnUnknownModelIsNotModelled() {
        Predictions p = predictor.predict(AcceleratorType.EDGETPU,
                List.of(app("a", "m", 12), app("n", "brand_new", 3)), EndToEnd.NONE);
        assertInstanceOf(AcceleratorPrediction.Unstable.class, p.now());
        assertEquals(1.2, p.now().utilization(), 1e-9);
        assertNull(p.now(0));
        assertEquals(List.of("n"), p.unmodelled().stream().map(u -> u.history().app()).toList());
        assertEquals(3.0, p.unmodelled().get(0).ratePerSec(), 1e-9);
        assertEquals(-1, p.indexOf("n"));
    }

    /** A lone M/D/1 app whose rate rises from 2 req/s by {@code slope} req/s every second. */
    private static Predictions rising(double slope) {
        AcceleratorState.AppHistory a = app("a", "m", 2);
        var modelled = new Predictions.Modelled(a, new Learning.Rate(2, slope),
                new Learning.Service(S, 20, 0, "catalog"), new Learning.Bias(1, Double.NaN, 0));
        return new Predictions(AcceleratorType.EDGETPU, EndToEnd.NONE, 20, List.of(modelled), List.of(), null, null);
    }

    @Test
    void theTimeToAViolationIsWhereTheForecastRateCrossesTheSlo() {
        // M/D/1 mean S + S·ρ/(2(1−ρ)) = 200 ms at ρ = 2/3, i.e. 6.67 req/s: reached after (6.67 − 2)/0.25 s.
        double crossing = (2.0 / 3 / 0.1 - 2) / 0.25;
        Double seconds = predictor.secondsToViolation(rising(0.25), "a", new Slo(200, SloStatistic.MEAN, 60), 1);
        assertTrue(seconds >= crossing && seconds <= crossing + 20 / 256.0 + 1e-3, seconds + " vs " + crossing);
        // With predictions 20 % high, 200 ms is reached at 166.7 ms uncorrected: ρ/(1−ρ) = 4/3, ρ = 4/7.
        double biased = (4.0 / 7 / 0.1 - 2) / 0.25;
        seconds = predictor.secondsToViolation(rising(0.25), "a", new Slo(200, SloStatistic.MEAN, 60), 1.2);
        assertTrue(seconds >= biased && seconds <= biased + 20 / 256.0 + 1e-3, seconds + " vs " + biased);
        // Whatever the SLO, an unstable accelerator breaks it: ρ = 1 at 10 req/s, after 16 s at 0.5 req/s per s.
        seconds = predictor.secondsToViolation(rising(0.5), "a", new Slo(1e9, SloStatistic.P99, 60), 1);
        assertTrue(seconds >= 16 && seconds <= 16 + 20 / 256.0 + 1e-3, String.valueOf(seconds));
    }
}
