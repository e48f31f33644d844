package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link Learning} makes of windows whose truth is known. */
class LearningTest {
    private final Learning learning = Learning.DEFAULT;

    private static AcceleratorState.Window window(int second, long requests, Double serviceMs, Long swaps) {
        return new AcceleratorState.Window(second * 1000L, (second + 1) * 1000L, requests, 50.0, null, null, null,
                serviceMs, swaps);
    }

    /** Folds the windows in, as the topology does, keeping the last 30 s of them. */
    private Learned learn(Learned state, List<AcceleratorState.Window> all, List<AcceleratorState.Window> kept) {
        for (AcceleratorState.Window w : all) {
            kept.add(w);
            kept.removeIf(k -> k.windowEndMs() <= w.windowEndMs() - 30_000);
            state = learning.observe(state, w, kept);
        }
        return state;
    }

    @Test
    void aSteadyRateIsCountsOverTime() {
        List<AcceleratorState.Window> windows = new ArrayList<>();
        List<AcceleratorState.Window> all = new ArrayList<>();
        for (int s = 0; s < 40; s++) {
            all.add(window(s, s % 2 == 0 ? 4 : 6, null, null));
        }
        Learned state = learn(Learned.EMPTY, all, windows);
        // Every request since the start counts: 200 in 40 s, with the Poisson error √200/40.
        Learning.Rate rate = learning.rate(state, windows);
        assertEquals(5, rate.ratePerSec(), 1e-12);
        assertEquals(Math.sqrt(200) / 40, rate.standardErrorPerSec(), 1e-12);
        assertEquals(200, rate.sampleRequests());
        assertEquals(40, rate.sampleSec());
        assertEquals(0, rate.slopePerSec2(), "alternating noise is no trend");
    }

    @Test
    void aChangeRestartsTheCountAndTheBias() {
        List<AcceleratorState.Window> windows = new ArrayList<>();
        List<AcceleratorState.Window> all = new ArrayList<>();
        for (int s = 0; s < 100; s++) {
            all.add(window(s, 10, null, null));
        }
        Learned before = learn(Learned.EMPTY, all, windows);
        for (int i = 0; i < 60; i++) {
            before = learning.withBias(before, 120.0, 100.0, 10);
        }
        assertEquals(1.2, learning.biasFactor(before), 1e-9);
        // 15 req/s from second 100: the last 10 s hold 145 where the stretch's rate says 104 ± 9.8 after 9 s.
        Learned after = before;
        int restartedAt = -1;
        for (int s = 100; s < 130; s++) {
            AcceleratorState.Window w = window(s, 15, null, null);
            windows.add(w);
            windows.removeIf(k -> k.windowEndMs() <= w.windowEndMs() - 30_000);
            after = learning.observe(after, w, windows);
            if (restartedAt < 0 && after.rate().sinceMs() != before.rate().sinceMs()) {
                restartedAt = s;
            }
        }
        assertEquals(108, restartedAt, "restarted from the last 10 s at second 108");
        // Counted from second 99 (the oldest of those 10 s) on: (10 + 30 × 15) / 31.
        assertEquals((10 + 30 * 15) / 31.0, learning.rate(after, List.of()).ratePerSec(), 1e-9);
        assertEquals(1, learning.biasFactor(after), "the bias starts again with the new load");
        assertEquals(0, after.bias().windows());
    }

    @Test
    void aStepInTheRateIsFollowedWithinSeconds() {
        List<AcceleratorState.Window> windows = new ArrayList<>();
        List<AcceleratorState.Window> all = new ArrayList<>();
        for (int s = 0; s < 120; s++) {
            all.add(window(s, s < 110 ? 5 : 40, null, null));
        }
        double rate = learning.rate(learn(Learned.EMPTY, all, windows), windows).ratePerSec();
        // Ten seconds at 40 after two minutes at 5: a two-minute average would still read about 8.
        assertTrue(rate > 30, "rate " + rate);
    }

    @Test
    void aSignificantTrendIsTheLeastSquaresLine() {
        List<AcceleratorState.Window> windows = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            windows.add(window(s, 10 + s + (s % 2 == 0 ? 1 : -1), null, null));
        }
        Trend trend = Trend.significant(windows);
        // Rates 10 + s ± 1 at t = s + 1: slope 1 − 2·Σ(t−t̄)(±1)/Σ(t−t̄)² = 1 − 20/665, at the last window 29 + 0.5 − …
        double meanT = 10.5;
        double stt = 0;
        double str = 0;
        for (int s = 0; s < 20; s++) {
            double t = s + 1;
            stt += (t - meanT) * (t - meanT);
            str += (t - meanT) * (10 + s + (s % 2 == 0 ? 1 : -1) - 19.5);
        }
        assertEquals(str / stt, trend.slopePerSec2(), 1e-9);
        assertEquals(19.5 + str / stt * (20 - meanT), trend.valuePerSec(), 1e-9);
        assertNull(Trend.significant(windows.subList(0, 9)), "fewer than ten windows");
    }

    @Test
    void serviceAndSwapTimesAreRecoveredFromWindowsThatSwapInDifferentShares() {
        // y = S + O·f with S = 5 ms, O = 12 ms, f the share of a window's ten requests that swapped.
        List<AcceleratorState.Window> all = new ArrayList<>();
        for (int s = 0; s < 30; s++) {
            long swaps = s % 6;
            all.add(window(s, 10, 5 + 12 * swaps / 10.0, swaps));
        }
        Learned state = learn(Learned.EMPTY, all, new ArrayList<>());
        Learning.Service alone = learning.service(state, null, AcceleratorType.EDGETPU);
        assertEquals(5, alone.serviceMs(), 1e-9);
        assertEquals(12, alone.swapMs(), 1e-9);
        assertEquals(0, alone.serviceCv(), 1e-6);
        assertEquals("learned", alone.source());
        // A wrong prior (4 ms, 8 ms) weighs 5 + 1 requests against 300: the evidence wins — the service
        // time within 1 %, the swap time within 3 % (its one pseudo-request sits at f = 1, beyond every
        // window's share, where it pulls hardest).
        Learning.Service anchored = learning.service(state, new ModelProfile(4, 8, 100, "test"), AcceleratorType.EDGETPU);
        assertEquals(5, anchored.serviceMs(), 0.05);
        assertEquals(12, anchored.swapMs(), 0.36);
        assertTrue(anchored.swapMs() > 8 && anchored.swapMs() < 12, "pulled toward the prior, not past the truth");
        // Without evidence, the prior; without either, nothing.
        assertEquals(new Learning.Service(4, 8, 0, "catalog"),
                learning.service(Learned.EMPTY, new ModelProfile(4, 8, 100, "test"), AcceleratorType.EDGETPU));
        assertEquals("none", learning.service(Learned.EMPTY, null, AcceleratorType.GPU).source());
    }

    /**
     * An Edge TPU app with no prior, alone: no window swaps, so its service time and that time's error
     * are learned and its swap time is unknown (NaN, which the models take as 0); once windows swap in
     * different shares, the swap time is learned too.
     */
    @Test
    void aLoneAppWithNoPriorLearnsItsServiceTimeAndLeavesItsSwapUnknown() {
        List<AcceleratorState.Window> all = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            all.add(window(s, 10, 30.0 + (s % 2 == 0 ? 1 : -1), 0L));
        }
        Learned alone = learn(Learned.EMPTY, all, new ArrayList<>());
        Learning.Service service = learning.service(alone, null, AcceleratorType.EDGETPU);
        assertEquals("learned", service.source());
        assertEquals(30, service.serviceMs(), 0.01, "the windows alternate 31 and 29, the older weighing less");
        assertTrue(Double.isFinite(service.serviceStdErrMs()) && service.serviceStdErrMs() > 0, "its error: "
                + service.serviceStdErrMs());
        assertTrue(Double.isNaN(service.swapMs()), "nothing showed a swap: " + service.swapMs());
        assertTrue(Double.isNaN(service.swapStdErrMs()));
        assertEquals(0, service.modelSwapMs());
        // On a GPU nothing swaps: its swap time is 0, known.
        assertEquals(0, learning.service(alone, null, AcceleratorType.GPU).swapMs());

        // Another model joins: windows swap 0 to 5 of their 10 requests, each costing 12 ms more.
        List<AcceleratorState.Window> shared = new ArrayList<>();
        for (int s = 20; s < 50; s++) {
            long swaps = s % 6;
            shared.add(window(s, 10, 30 + 12 * swaps / 10.0, swaps));
        }
        Learning.Service after = learning.service(learn(alone, shared, new ArrayList<>(all)), null, AcceleratorType.EDGETPU);
        assertEquals(12, after.swapMs(), 0.5);
        assertTrue(Double.isFinite(after.swapStdErrMs()));
    }

    @Test
    void theBiasIsTheRatioOfObservedToPredictedOnceLearnedOutsideADeadZone() {
        Learned over = Learned.EMPTY;
        Learned slight = Learned.EMPTY;
        Learned clamped = Learned.EMPTY;
        for (int i = 0; i < 60; i++) {
            assertEquals(1, learning.biasFactor(clamped), "not before 60 windows");
            over = learning.withBias(over, 115.0, 100.0, 10);
            slight = learning.withBias(slight, 101.5, 100.0, 10);
            clamped = learning.withBias(clamped, 150.0, 100.0, 10);
        }
        assertEquals(1.15, learning.biasFactor(over), 1e-9);
        assertEquals(1, learning.biasFactor(slight), "1.5 % is within the ±2 % dead zone");
        assertEquals(1.2, learning.biasFactor(clamped), 1e-9, "at most +20 %");
        assertEquals(over, learning.withBias(over, null, 100.0, 10), "a window without an observed mean teaches nothing");
    }
}
