package dev.perch.placement;

import dev.perch.cli.EvaluateCommandAccess;
import dev.perch.controller.ControllerSettings;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
     * Perch — the controller, as {@code evaluate} runs it against the simulator ({@code bench.OracleGap}
     * measures the same) — decides online, in arrival order, and never drops an app it admitted; the oracle sees
     * every app at once. On instances as dense as the mixed scenario (about 5 apps per device) most
     * of the gap was admission: a heavy app that came first took Edge TPU time that the oracle gives
     * to several lighter ones, and no moves can win it back. Admitting every app that fits cannot do
     * better than 5.80 % here ({@code bench.OracleGap}); Perch turns away an app that only Edge TPUs
     * can run when it would take more than 0.35 of their time left ({@link EdgeTpuReserve}), a share
     * chosen by seeds 21–220 (these were printed beside them, and give the same figure at 0.3). The
     * target is a mean gap of at most 5 %, measured through the controller users run
     * (loadtests/README.md has the figure and the figures over 220 seeds).
     */
    @Test
    void perchStaysCloseToTheOracleOnTwentyRandomSmallInstances() {
        List<String> rows = new ArrayList<>();
        double gapSum = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Scenario scenario = ScenarioReader.load("small", seed);
            Placement oracle = empty(scenario);
            new OracleStrategy(PlacementPolicy.DEFAULT).placeAll(oracle, appNames(oracle));
            Map<String, String> placed = EvaluateCommandAccess.placedByController(scenario, seed, ControllerSettings.DEFAULT);
            ClusterModel start = EvaluateCommandAccess.initial(scenario);
            Placement perch = Placement.of(new ClusterModel(start.networkMs(), start.hosts(), start.devices(), start.apps(),
                    placed));
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
        assertTrue(meanGap <= 0.05, String.join("\n", rows));
    }
}
