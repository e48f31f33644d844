package dev.perch.streams;

import dev.perch.model.profile.SloStatistic;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.LatencyBuckets;
import dev.perch.telemetry.Samples;
import dev.perch.telemetry.TelemetryReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.perch.streams.TopologyFixture.T0;
import static dev.perch.streams.TopologyFixture.report;
import static dev.perch.streams.TopologyFixture.samples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An app's SLO window, slot by slot, against figures worked by hand. */
class SloWindowsTest {
    private static final Slo MEAN_50_OVER_5 = new Slo(50, SloStatistic.MEAN, 5);

    private static AcceleratorState.SloWindow fold(Slo slo, int windowSec, TelemetryReport... reports) {
        AcceleratorState.SloWindow window = null;
        for (TelemetryReport r : reports) {
            window = SloWindows.observe(window, r, slo, windowSec);
        }
        return window;
    }

    private static TelemetryReport at(int second, long requests, double meanMs) {
        return report("a", "mobilenet_v2", "pi-1/tpu0", second, requests, meanMs);
    }

    @Test
    void slotsAreSecondsUpToAMinuteAndASixtiethOfTheWindowBeyond() {
        assertEquals(1, SloWindows.slotSec(1));
        assertEquals(1, SloWindows.slotSec(60));
        assertEquals(2, SloWindows.slotSec(61));
        assertEquals(10, SloWindows.slotSec(600));
        assertEquals(60, SloWindows.slotSec(3600));
        assertEquals(60, SloWindows.windowSec(null));
        assertEquals(1, SloWindows.windowSec(spec(0)), "out of range in the table: the nearest in range");
        assertEquals(3600, SloWindows.windowSec(spec(86_400)));
        assertEquals(60, SloWindows.windowSec(spec(null)), "a record from before windows: the default");
    }

    private static AppRecord spec(Integer windowSec) {
        return new AppRecord(AppRecord.SCHEMA, "a", "m", 1, 100, "mean", windowSec, null, null, null, T0);
    }

    @Test
    void aLateReportWithinTheWindowCountsAndOneOlderThanTheWindowDoesNot() {
        var window = fold(null, 5, at(0, 10, 20), at(1, 10, 40), at(3, 10, 60), at(2, 10, 80));
        assertEquals((20 + 40 + 60 + 80) / 4.0, SloWindows.figures(window).meanMs(), 1e-12);
        // The window now ends at 10 s: seconds 5 … 9. Second 4 arrives late: older than the window.
        window = fold(null, 5, at(0, 10, 20), at(9, 10, 30), at(4, 10, 999));
        assertEquals(30.0, SloWindows.figures(window).meanMs(), 1e-12);
        assertEquals(1, window.slots().size());
    }

    @Test
    void secondsAreJudgedOnlyOnceTheAppHasReportedAWholeWindowAndOnlyWithAnSlo() {
        var window = fold(MEAN_50_OVER_5, 5, at(0, 10, 90), at(1, 10, 90), at(2, 10, 90), at(3, 10, 90));
        assertFalse(SloWindows.full(window));
        assertEquals(0, window.judgedSeconds());
        window = SloWindows.observe(window, at(4, 10, 20), MEAN_50_OVER_5, 5);
        assertEquals(1, window.judgedSeconds());
        assertEquals(1, window.violationSeconds(), "(4 × 90 + 20) / 5 = 76 ms");
        window = SloWindows.observe(window, at(5, 0, 0), MEAN_50_OVER_5, 5);
        assertEquals(2, window.judgedSeconds(), "an idle second is judged on the window's requests");
        assertEquals(0, fold(null, 5, at(0, 10, 90), at(9, 10, 90)).judgedSeconds(), "no SLO, nothing judged");
    }

    @Test
    void aLongerWindowIsJudgedOnlyOnceItsDataCoverIt() {
        var window = fold(MEAN_50_OVER_5, 5, at(0, 10, 20), at(1, 10, 20), at(2, 10, 20), at(3, 10, 20), at(4, 10, 20),
                at(5, 10, 20), at(6, 10, 20));
        assertEquals(3, window.judgedSeconds());
        Slo longer = new Slo(50, SloStatistic.MEAN, 10);
        for (int s = 7; s < 12; s++) {
            window = SloWindows.observe(window, at(s, 10, 20), longer, 10);
        }
        // The data held went back to 2 s when the window grew: whole again at 12 s.
        assertEquals(10, window.windowSec());
        assertEquals(4, window.judgedSeconds(), "judged again from the report ending at 12 s");
    }

    @Test
    void aWindowWithSomeRequestsWithoutAHistogramFallsBackToTheSecondsOwnPercentiles() {
        double[] fast = {10, 11, 12, 13};
        double[] slow = {100, 110, 120, 130};
        var window = fold(null, 5, samples("a", "m", "pi-1/tpu0", 0, fast, true),
                samples("a", "m", "pi-1/tpu0", 1, slow, false));
        SloWindows.Figures figures = SloWindows.figures(window);
        assertFalse(figures.fromHistograms());
        assertEquals((13 * 4 + 130 * 4) / 8.0, figures.p95Ms(), 1e-3, "the seconds' own p95, weighted");
        window = fold(null, 5, samples("a", "m", "pi-1/tpu0", 0, fast, true), samples("a", "m", "pi-1/tpu0", 1, slow, true));
        figures = SloWindows.figures(window);
        assertTrue(figures.fromHistograms());
        double truth = Samples.nearestRank(new double[]{10, 11, 12, 13, 100, 110, 120, 130}, 0.95);
        assertEquals(truth, figures.p95Ms(), 0.05 * truth);
    }

    @Test
    void aWindowOfTwoSecondSlotsHoldsBetweenWLessASlotAndW() {
        Slo slo = new Slo(1e6, SloStatistic.MEAN, 120);
        AcceleratorState.SloWindow window = null;
        for (int s = 0; s < 300; s++) {
            window = SloWindows.observe(window, at(s, 1, s), slo, 120);
        }
        assertEquals(2, window.slotSec());
        // Seconds k … 299, k even, 180 ≤ k ≤ 182: mean (k + 299) / 2.
        double first = 2 * SloWindows.figures(window).meanMs() - 299;
        assertTrue(first >= 180 && first <= 182 && first % 2 == 0, "from " + first);
        assertTrue(window.slots().size() <= 61);
    }

    /**
     * A window keeps its slots' bucket counts as it slides (less the slots that leave, plus the one
     * that comes) instead of adding them up on every report. Over reports in order, late, several
     * for one second, without a histogram or without requests, gaps, and a window that changes
     * length: after each, the counts are those of the slots it holds added up by hand, its
     * percentiles those read off that sum, and within the layout's 5 % of the nearest rank of the
     * very requests of those seconds.
     */
    @Test
    void aSlidingWindowsBucketCountsAreItsSlotsAddedUpAndItsPercentilesTheirRequests() {
        int fromHistograms = 0;
        for (int seed = 1; seed <= 8; seed++) {
            fromHistograms += slide(new SplittableRandom(seed));
        }
        assertTrue(fromHistograms > 8 * 1000, fromHistograms + " windows read off their histograms");
    }

    /** 3,000 reports through one window, checked after each; how many windows had every request with a histogram. */
    private static int slide(SplittableRandom random) {
        Map<Long, List<Double>> latenciesBySecond = new HashMap<>();
        Map<Long, Boolean> histogramBySecond = new HashMap<>();
        AcceleratorState.SloWindow window = null;
        int windowSec = 30;
        int second = 0;
        int fromHistograms = 0;
        for (int step = 0; step < 3000; step++) {
            if (step == 1000 || step == 2000) {
                windowSec = step == 1000 ? 60 : 20; // re-slotted, every slot still one second
            }
            if (random.nextInt(100) == 0) {
                second += 1 + random.nextInt(30); // a gap: the window slides past seconds nobody reported
            }
            int at = random.nextInt(10) == 0 ? second - random.nextInt(90) : second++; // a tenth late, some older than the window
            if (at < 0) {
                continue;
            }
            double[] latencies = new double[random.nextInt(25) == 0 ? 0 : 1 + random.nextInt(40)];
            for (int i = 0; i < latencies.length; i++) {
                latencies[i] = random.nextInt(20) == 0 ? 200 + 300 * random.nextDouble() : 10 + 40 * random.nextDouble();
            }
            boolean histogram = random.nextInt(50) != 0;
            window = SloWindows.observe(window, samples("a", "m", "pi-1/tpu0", at, latencies, histogram), null, windowSec);
            long slotStartSec = (T0 + at * 1000L) / 1000;
            if (latencies.length > 0 && window.slots().stream().anyMatch(slot -> slot.startSec() == slotStartSec)) {
                for (double latency : latencies) {
                    latenciesBySecond.computeIfAbsent(slotStartSec, k -> new ArrayList<>()).add(latency);
                }
                histogramBySecond.merge(slotStartSec, histogram, Boolean::logicalAnd);
            }
            List<Long> held = window.slots().stream().map(AcceleratorState.Slot::startSec).toList();
            latenciesBySecond.keySet().retainAll(held); // a second that left may come back as a new slot
            histogramBySecond.keySet().retainAll(held);

            long[] dense = new long[LatencyBuckets.BUCKETS];
            List<Double> requests = new ArrayList<>();
            boolean everyOneWithAHistogram = true;
            for (AcceleratorState.Slot slot : window.slots()) {
                for (int k = 0; k < slot.buckets().size(); k++) {
                    dense[slot.buckets().bucket(k)] += slot.buckets().count(k);
                }
                requests.addAll(latenciesBySecond.get(slot.startSec()));
                everyOneWithAHistogram &= histogramBySecond.get(slot.startSec());
            }
            assertEquals(SparseBuckets.of(dense), window.buckets(), "step " + step);
            // The running total, kept as slots come and go, is what the slots add up to afresh: the
            // counts exactly, the sums but for rounding.
            AcceleratorState.Slot total = window.total();
            AcceleratorState.Slot summed = SloWindows.totalOf(window.slots());
            assertEquals(List.of(summed.requests(), summed.p50Requests(), summed.p95Requests(), summed.p99Requests(),
                    summed.histogramRequests()), List.of(total.requests(), total.p50Requests(), total.p95Requests(),
                    total.p99Requests(), total.histogramRequests()), "step " + step);
            double sumOfLatencies = latenciesBySecond.values().stream().flatMap(List::stream).mapToDouble(d -> d).sum();
            assertEquals(sumOfLatencies, total.meanSumMs(), 1e-9 * Math.max(1, sumOfLatencies), "step " + step);
            for (java.util.function.ToDoubleFunction<AcceleratorState.Slot> sum : List.<java.util.function.ToDoubleFunction<
                    AcceleratorState.Slot>>of(AcceleratorState.Slot::p50SumMs, AcceleratorState.Slot::p95SumMs,
                    AcceleratorState.Slot::p99SumMs)) {
                double expected = sum.applyAsDouble(summed);
                assertEquals(expected, sum.applyAsDouble(total), 1e-9 * Math.max(1, expected), "step " + step);
            }
            SloWindows.Figures figures = SloWindows.figures(window);
            assertEquals(requests.size(), figures.requests(), "step " + step);
            assertEquals(everyOneWithAHistogram && !requests.isEmpty(), figures.fromHistograms(), "step " + step);
            if (!figures.fromHistograms()) {
                continue;
            }
            fromHistograms++;
            double[] sorted = requests.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            for (double q : new double[]{0.50, 0.95, 0.99}) {
                Double percentile = q == 0.50 ? figures.p50Ms() : q == 0.95 ? figures.p95Ms() : figures.p99Ms();
                assertEquals(LatencyBuckets.quantile(dense, requests.size(), q), percentile, "step " + step + ", p" + q);
                double truth = Samples.nearestRank(sorted, q);
                assertTrue(Math.abs(percentile - truth) <= 0.05 * truth, "step " + step + ": p" + q + " " + percentile + " vs " + truth);
            }
        }
        return fromHistograms;
    }

    @Test
    void countsCannotBeTakenFromASumThatDoesNotHoldThem() {
        SparseBuckets some = new SparseBuckets(new int[]{3, 7}, new long[]{2, 5});
        assertEquals(new SparseBuckets(new int[]{7}, new long[]{5}), some.minus(new SparseBuckets(new int[]{3}, new long[]{2})));
        assertEquals(new SparseBuckets(new int[]{3, 5, 7}, new long[]{2, 1, 6}),
                some.plus(new SparseBuckets(new int[]{5, 7}, new long[]{1, 1})));
        assertThrows(IllegalArgumentException.class, () -> some.minus(new SparseBuckets(new int[]{4}, new long[]{1})));
        assertThrows(IllegalArgumentException.class, () -> some.minus(new SparseBuckets(new int[]{7}, new long[]{6})));
    }
}
