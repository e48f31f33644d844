package dev.perch.placement;

import dev.perch.model.profile.ScenarioReader;
import dev.perch.model.profile.SloStatistic;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceEvaluatorTest {
    private static final DeviceEvaluator EVALUATOR = new DeviceEvaluator(PlacementPolicy.DEFAULT);

    /**
     * The search's fast check (free bounds first, means only when every SLO is on the mean) must give
     * the full evaluation's answer — on random placements of the mixed scenario's apps, some with
     * SLOs on p95 and p99 so that the tail path runs too.
     */
    @Test
    void theFastCheckAgreesWithTheFullEvaluationOnRandomPlacements() {
        int feasible = 0;
        int infeasible = 0;
        for (long seed = 1; seed <= 40; seed++) {
            ClusterModel mixed = dev.perch.cli.EvaluateCommandAccess.initial(ScenarioReader.load("mixed", seed));
            SplittableRandom random = new SplittableRandom(seed);
            Map<String, AppDemand> apps = new LinkedHashMap<>();
            for (AppDemand app : mixed.apps().values()) {
                SloStatistic statistic = seed % 2 == 0 ? SloStatistic.MEAN
                        : List.of(SloStatistic.MEAN, SloStatistic.P95, SloStatistic.P99).get(random.nextInt(3));
                double slo = statistic == SloStatistic.MEAN ? app.sloMs() : 2 * app.sloMs();
                apps.put(app.app(), new AppDemand(app.app(), app.model(), app.ratePerSec(), slo, statistic, app.profiles()));
            }
            Map<String, String> assignment = new LinkedHashMap<>();
            for (AppDemand app : apps.values()) {
                List<Device> runnable = mixed.devices().stream().filter(d -> app.profileOn(d.type()).isPresent()).toList();
                if (random.nextInt(3) > 0) {
                    assignment.put(app.app(), runnable.get(random.nextInt(runnable.size())).id());
                }
            }
            Placement placement = Placement.of(new ClusterModel(mixed.networkMs(), mixed.hosts(), mixed.devices(), apps,
                    assignment));
            for (Device device : placement.devices()) {
                DeviceVerdict full = EVALUATOR.evaluate(placement, device.id());
                DeviceEvaluator.Fit fast = EVALUATOR.check(placement, device.id());
                assertEquals(full.feasible(), fast.feasible(), "seed " + seed + " " + device.id() + ": " + full.reason()
                        + " / " + fast.reason());
                if (full.feasible()) {
                    assertEquals(full.minSlack(), fast.minSlack(), 1e-9);
                    assertEquals(full.utilization(), fast.utilization(), 1e-12);
                    feasible++;
                } else {
                    infeasible++;
                }
            }
        }
        assertTrue(feasible > 20 && infeasible > 20, feasible + " feasible, " + infeasible + " not: both paths exercised");
    }

    @Test
    void theFreeBoundsNeverRefuseWhatTheModelsAccept() {
        for (long seed = 1; seed <= 10; seed++) {
            ClusterModel mixed = dev.perch.cli.EvaluateCommandAccess.initial(ScenarioReader.load("mixed", seed));
            Placement placement = Placement.of(mixed);
            PerchStrategy perch = new PerchStrategy(PlacementPolicy.DEFAULT);
            for (String app : mixed.apps().keySet()) {
                for (Device device : placement.devices()) {
                    if (EVALUATOR.mayFit(placement, device, placement.app(app))) {
                        continue;
                    }
                    placement.assign(app, device.id());
                    assertTrue(!EVALUATOR.evaluate(placement, device.id()).feasible(), app + " on " + device.id());
                    placement.assign(app, null);
                }
                perch.offer(placement, app);
            }
        }
    }
}
