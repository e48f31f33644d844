package dev.perch.placement;

import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OracleTest {
    private static final DeviceEvaluator EVALUATOR = new DeviceEvaluator(PlacementPolicy.DEFAULT);

    private static Placement empty(Scenario scenario) {
        return Placement.of(dev.perch.cli.EvaluateCommandAccess.initial(scenario));
    }

    private static List<String> appNames(Placement placement) {
        return List.copyOf(placement.apps().keySet());
    }

    /** Every device of the placement feasible by the full models (not the search's fast check). */
    private static boolean feasible(Placement placement) {
        return placement.devices().stream().allMatch(d -> EVALUATOR.evaluate(placement, d.id()).feasible());
    }

    /** The independent truth: every assignment of every app to a device or to none, tried. */
    private static int bruteForceMaximum(Placement placement, List<String> apps, int next) {
        if (next == apps.size()) {
            return feasible(placement) ? placement.placedCount() : -1;
        }
        int best = bruteForceMaximum(placement, apps, next + 1);
        for (Device device : placement.devices()) {
            if (placement.app(apps.get(next)).profileOn(device.type()).isEmpty()) {
                continue;
            }
            placement.assign(apps.get(next), device.id());
            best = Math.max(best, bruteForceMaximum(placement, apps, next + 1));
            placement.assign(apps.get(next), null);
        }
        return best;
    }

    @Test
    void theOracleFindsTheSameMaximumAsTryingEveryAssignment() {
        int checked = 0;
        for (long seed = 1; checked < 6; seed++) {
            Scenario scenario = ScenarioReader.load("small", seed);
            if (scenario.apps().size() > 9 || scenario.nodes().size() > 2) {
                continue; // (devices + 1)^apps assignments: keep the brute force small
            }
            Placement oracle = empty(scenario);
            new OracleStrategy(PlacementPolicy.DEFAULT).placeAll(oracle, appNames(oracle));
            assertTrue(feasible(oracle), "seed " + seed + ": the oracle's placement breaks a constraint");
            assertEquals(bruteForceMaximum(empty(scenario), appNames(oracle), 0), oracle.placedCount(), "seed " + seed);
            checked++;
        }
    }

    /**
     * Perch decides online, in arrival order, and never drops an app it admitted; the oracle sees
     * every app at once. On instances as dense as the mixed scenario (about 5 apps per device) the
     * mean gap measured on these 20 seeds is 6.27 % — above the 5 % aimed at; over seeds 21–220 it
     * is 5.08 % ({@code bench.OracleGap}): the target is not met. Nearly all of it is admission: on
     * most instances with a gap the apps Perch admitted, plus any one more, cannot all be hosted at
     * once (checked with the oracle), so no moves can close it — the oracle leaves out heavy apps
     * that arrived first (seed 9: 4 of 9 against 7). A planner with unlimited moves that admits every
     * app it can host has a gap of 5.80 % on these seeds (5.87 % on 21–220): under 5 % needs turning
     * away apps that fit. The bound here guards the figure from regressions; loadtests/README.md has
     * the table.
     */
    @Test
    void perchStaysCloseToTheOracleOnTwentyRandomSmallInstances() {
        List<String> rows = new ArrayList<>();
        double gapSum = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Scenario scenario = ScenarioReader.load("small", seed);
            Placement oracle = empty(scenario);
            new OracleStrategy(PlacementPolicy.DEFAULT).placeAll(oracle, appNames(oracle));
            Placement perch = empty(scenario);
            PerchStrategy strategy = new PerchStrategy(PlacementPolicy.DEFAULT);
            for (String app : appNames(perch)) {
                strategy.offer(perch, app);
            }
            assertTrue(feasible(oracle) && feasible(perch), "seed " + seed);
            assertTrue(oracle.placedCount() >= perch.placedCount(), "seed " + seed + ": the oracle is a maximum");
            double gap = oracle.placedCount() == 0 ? 0 : 1 - (double) perch.placedCount() / oracle.placedCount();
            gapSum += gap;
            rows.add(String.format(Locale.ROOT, "seed %2d: %d devices, %2d apps: oracle %2d, perch %2d (gap %.1f %%)", seed,
                    scenario.nodes().size(), scenario.apps().size(), oracle.placedCount(), perch.placedCount(), 100 * gap));
        }
        double meanGap = gapSum / 20;
        rows.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "perch vs oracle, 20 small instances: mean gap %.2f %%%n", 100 * meanGap);
        assertTrue(meanGap <= 0.07, String.join("\n", rows));
    }
}
