package dev.perch.placement;

import dev.perch.cli.EvaluateCommand;
import dev.perch.cli.EvaluateCommandAccess;
import dev.perch.model.profile.ScenarioReader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Ibis paper's evaluation reproduced and beaten, judged by the simulator, with Perch being the
 * controller users run ({@code evaluate}'s {@code perch}): on the shipped mixed scenario Perch
 * violates nothing and places at least as many apps as every strategy's appsBeforeFirstViolation —
 * but on the seeds of {@link #KNOWN_SHORTFALL}, by at most as many apps as it says. Over seeds 1–10
 * (a sweep: {@code mvn -Psweeps verify}) the median of its appsPlaced over the better memory-only
 * baseline's appsBeforeFirstViolation is at least 3.5 (the paper's own planner: 2.3). Ten simulated
 * minutes per placement judged, about 40 s of a core per seed: hence an integration test.
 */
class MixedScenarioIT {
    /**
     * Seeds where the controller hosts fewer apps than another strategy's appsBeforeFirstViolation,
     * with the most it may be behind: on seed 10 {@code ibis-dfs} hosts 31 apps by loading Edge TPUs
     * to 0.8 of the paper's model at the declared rates, past Perch's cap of 0.8 at rates 3 % over
     * (docs/decisions/0004-utilisation-cap.md: a cap of 0.85, or 0.8 held at the declared rates, closes
     * the gap in {@code evaluate} but puts apps under their promise in the live pipeline).
     */
    private static final Map<Long, Integer> KNOWN_SHORTFALL = Map.of(10L, 2);

    /** A seed where Perch leads and the seed where it is known to trail. */
    @Test
    void perchHostsAtLeastAsManyAppsAsEveryStrategyWithoutViolationsOnSeedsOneAndTen() {
        perchAgainstEveryStrategy(1, 10);
    }

    @Test
    @Tag("sweep")
    void perchHostsAtLeastAsManyAppsAsEveryStrategyWithoutViolationsOnSeedsOneToTen() {
        List<Double> ratios = perchAgainstEveryStrategy(LongStream.rangeClosed(1, 10).toArray());
        List<Double> sorted = ratios.stream().sorted().toList();
        double median = (sorted.get(4) + sorted.get(5)) / 2;
        System.out.printf(Locale.ROOT, "perch appsPlaced / max(knapsack-first, knapsack-best) appsBeforeFirstViolation: %s, median %.2f%n",
                ratios, median);
        assertTrue(median >= 3.5, "median " + median);
    }

    /**
     * Checks each seed and answers, per seed, Perch's appsPlaced over the better knapsack's
     * appsBeforeFirstViolation.
     */
    private static List<Double> perchAgainstEveryStrategy(long... seeds) {
        // The seeds are independent evaluations: run side by side, checked in order.
        var reports = LongStream.of(seeds).parallel()
                .mapToObj(seed -> EvaluateCommandAccess.evaluate(ScenarioReader.load("mixed", seed),
                        EvaluateCommand.defaultStrategyNames(), seed))
                .toList();
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < seeds.length; i++) {
            long seed = seeds[i];
            var report = reports.get(i);
            var perch = report.strategies().stream().filter(s -> s.name().equals("perch")).findFirst().orElseThrow();
            assertEquals(0, perch.appsViolating(), "seed " + seed + ": " + report);
            for (var other : report.strategies()) {
                assertTrue(perch.appsPlaced() + KNOWN_SHORTFALL.getOrDefault(seed, 0) >= other.appsBeforeFirstViolation(),
                        "seed " + seed + ": " + other.name() + " " + report);
            }
            int knapsack = report.strategies().stream().filter(s -> s.name().equals("knapsack-first") || s.name().equals("knapsack-best"))
                    .mapToInt(s -> s.appsBeforeFirstViolation()).max().orElseThrow();
            ratios.add((double) perch.appsPlaced() / knapsack);
        }
        return ratios;
    }
}
