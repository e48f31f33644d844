package dev.perch.sim;

import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.SloStatistic;
import dev.perch.telemetry.Samples;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The judge's incremental window against the statistic computed from scratch (sort every sample of
 * the window, {@link Samples#statistic}) on random streams with ties and overdue requests, for every
 * statistic: the sorted multiset and the merge with overdue ages must give exactly the same verdicts.
 */
class SloJudgeTest {
    private record Sample(double completionMs, double latencyMs) {
    }

    @Test
    void everySecondsVerdictIsTheOneAFullSortGives() {
        for (SloStatistic statistic : SloStatistic.values()) {
            for (int windowSec : new int[]{1, 3, 7}) {
                compare(statistic, windowSec, 11 + windowSec);
            }
        }
    }

    private static void compare(SloStatistic statistic, int windowSec, long seed) {
        double sloMs = 40;
        AppSpec spec = new AppSpec("a", "m", 10, sloMs, statistic, windowSec, null, null, null);
        SloJudge judge = new SloJudge(spec);
        judge.startedOn(0);
        SplittableRandom random = new SplittableRandom(seed);
        List<Sample> all = new ArrayList<>();
        long expectedViolations = 0;
        long expectedJudged = 0;
        double t = 0;
        for (int second = 1; second <= 60; second++) {
            double endMs = second * 1000.0;
            while (t < endMs) {
                // Latencies on a 5 ms grid so that ties are common; a busy stretch in the middle.
                double latency = 5 * (1 + random.nextInt(second > 20 && second < 35 ? 14 : 9));
                all.add(new Sample(t, latency));
                judge.completed(t, latency);
                t += 1 + random.nextInt(120);
            }
            List<Double> pendingArrivals = new ArrayList<>();
            for (int i = 0; i < random.nextInt(4); i++) {
                pendingArrivals.add(endMs - random.nextInt(90));
            }
            judge.judge(endMs, pendingArrivals);
            if (endMs >= windowSec * 1000.0) {
                expectedJudged++;
                List<Double> window = new ArrayList<>();
                for (Sample s : all) {
                    if (s.completionMs() > endMs - windowSec * 1000.0) {
                        window.add(s.latencyMs());
                    }
                }
                for (double arrival : pendingArrivals) {
                    if (endMs - arrival > sloMs) {
                        window.add(endMs - arrival);
                    }
                }
                boolean over = !window.isEmpty()
                        && Samples.statistic(window.stream().mapToDouble(Double::doubleValue).toArray(), statistic) > sloMs;
                expectedViolations += over ? 1 : 0;
                assertEquals(over, judge.inViolation(), statistic + " over " + windowSec + " s at " + second + " s");
            }
        }
        assertEquals(expectedJudged, judge.judgedSeconds());
        assertEquals(expectedViolations, judge.violationSeconds());
    }
}
