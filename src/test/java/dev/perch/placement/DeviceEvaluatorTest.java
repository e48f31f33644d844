package dev.perch.placement;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.LatencyModels;
import dev.perch.model.queueing.WindowedSeries;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceEvaluatorTest {
    private static final DeviceEvaluator EVALUATOR = new DeviceEvaluator(PlacementPolicy.DEFAULT);

    /** One Edge TPU behind 25 ms front ends, 10 ms of network: MobileNet-V2 and Inception-V3 at 7 req/s each, mean SLOs of 200 ms. */
    private static Placement twoAppsJudgedOver(int windowSec) {
        return twoAppsJudgedOver(windowSec, 7, SloStatistic.MEAN, 200);
    }

    private static Placement twoAppsJudgedOver(int windowSec, double ratePerSec, SloStatistic statistic, double sloMs) {
        ProfileCatalog catalog = ScenarioReader.defaultCatalog();
        Map<String, AppDemand> apps = new LinkedHashMap<>();
        for (String[] app : new String[][]{{"cam-1", "mobilenet_v2"}, {"cam-2", "inception_v3"}}) {
            apps.put(app[0], new AppDemand(app[0], app[1], ratePerSec, sloMs, statistic, windowSec,
                    Map.of(AcceleratorType.EDGETPU, catalog.profile(app[1], AcceleratorType.EDGETPU).orElseThrow())));
        }
        return Placement.of(new ClusterModel(10, List.of(new Host("pi", 100_000, 25)),
                List.of(new Device("pi/tpu0", "pi", AcceleratorType.EDGETPU)), apps, Map.of("cam-1", "pi/tpu0", "cam-2", "pi/tpu0")));
    }

    /**
     * The promise is about windows: the same two apps on one Edge TPU are refused when their SLOs are
     * judged over 10 s — a congested stretch puts a 10 s mean over 200 ms more than 1 % of the time,
     * as the simulator's judged windows confirm — and accepted over 600 s, whose windows the
     * simulator never sees over it; the refusal says so in one line.
     */
    @Test
    void theSameAppsAreRefusedOverShortWindowsAndAcceptedOverLongOnesAsTheSimulatorJudgesThem() {
        DeviceVerdict shortWindows = EVALUATOR.evaluate(twoAppsJudgedOver(10), "pi/tpu0");
        DeviceVerdict longWindows = EVALUATOR.evaluate(twoAppsJudgedOver(600), "pi/tpu0");
        assertTrue(!shortWindows.feasible() && shortWindows.minSlack() < 0, shortWindows.reason());
        assertTrue(shortWindows.reason().matches("cam-2 mean over 10 s windows predicted above its SLO of 200 ms in"
                + " [0-9.]+ % of windows, over the 1 % allowed"), shortWindows.reason());
        assertEquals(shortWindows.feasible(), EVALUATOR.check(twoAppsJudgedOver(10), "pi/tpu0").feasible());
        assertTrue(longWindows.feasible() && longWindows.minSlack() > 0, longWindows.reason());

        // The simulator runs the apps at their own rates (the planner asks about 3 % more), without
        // the network, so the SLO less the network is what its windows are held to.
        WindowedSeries simulated = new WindowedSeries(AcceleratorType.EDGETPU, List.of("mobilenet_v2", "inception_v3"),
                new double[]{7, 7}, 25);
        Map<WindowedSeries.Track, double[][]> windows = simulated.simulate(1, List.of(
                new WindowedSeries.Track(10, SloStatistic.MEAN), new WindowedSeries.Track(600, SloStatistic.MEAN)), 20_000);
        double shortOver = WindowedSeries.shareOver(windows.get(new WindowedSeries.Track(10, SloStatistic.MEAN))[1], 190);
        double longOver = WindowedSeries.shareOver(windows.get(new WindowedSeries.Track(600, SloStatistic.MEAN))[1], 190);
        assertTrue(shortOver > 0.01, "10 s windows over the SLO: " + shortOver);
        assertTrue(longOver <= 0.01, "600 s windows over the SLO: " + longOver);
    }

    /**
     * For a percentile SLO the planner holds the model to a tenth of the share of windows the promise
     * allows over (decision 0008); for a mean SLO, whose window model is exact as the window grows, to
     * the promise itself. As the two apps' rates rise, a load whose worst app the model puts over its
     * p95 SLO in between 0.1 % and 1 % of its 60 s windows is accepted by the promise alone and
     * refused with the margin, by both the full evaluation and the search's check, in one line.
     */
    @Test
    void thePlannerHoldsTheModelOfAPercentileToATenthOfTheWindowsThePromiseAllowsOver() {
        assertEquals(0.001, PlacementPolicy.DEFAULT.windowsAllowedOver(SloStatistic.P95), 1e-12);
        assertEquals(0.001, PlacementPolicy.DEFAULT.windowsAllowedOver(SloStatistic.P99), 1e-12);
        assertEquals(0.01, PlacementPolicy.DEFAULT.windowsAllowedOver(SloStatistic.MEAN), 1e-12);
        DeviceEvaluator promiseOnly = new DeviceEvaluator(PlacementPolicy.DEFAULT.withPercentileModelMargin(1));
        int between = 0;
        for (double rate = 2; rate <= 9; rate += 0.125) {
            Placement placement = twoAppsJudgedOver(60, rate, SloStatistic.P95, 400);
            DeviceVerdict withMargin = EVALUATOR.evaluate(placement, "pi/tpu0");
            if (withMargin.utilization() > PlacementPolicy.DEFAULT.maxUtilization()) {
                break;
            }
            double worstShareOver = withMargin.apps().stream().mapToDouble(DeviceVerdict.AppVerdict::shareOver).max().orElseThrow();
            if (worstShareOver > 0.001 && worstShareOver <= 0.01) {
                between++;
                assertTrue(promiseOnly.evaluate(placement, "pi/tpu0").feasible(), "rate " + rate);
                assertTrue(!withMargin.feasible() && withMargin.reason().endsWith("of windows, over the 0.1 % allowed"),
                        "rate " + rate + ": " + withMargin.reason());
                assertTrue(!EVALUATOR.check(placement, "pi/tpu0").feasible(), "rate " + rate);
            } else {
                assertEquals(worstShareOver <= 0.001, withMargin.feasible(), "rate " + rate + ": " + withMargin.reason());
            }
        }
        assertTrue(between > 0, "some load lies between the two thresholds");
    }

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
                apps.put(app.app(), new AppDemand(app.app(), app.model(), app.ratePerSec(), slo, statistic, app.sloWindowSec(), app.profiles()));
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

    /**
     * A device's utilisation is remembered in the placement until its apps change: through a random
     * walk of moves, the remembered value always equals the one computed afresh by an evaluator that
     * remembers nothing yet, and a second evaluator's memory is its own.
     */
    @Test
    void aRememberedUtilizationIsDroppedWhenTheDevicesAppsChange() {
        ClusterModel mixed = dev.perch.cli.EvaluateCommandAccess.initial(ScenarioReader.load("mixed", 3));
        Placement placement = Placement.of(mixed);
        DeviceEvaluator other = new DeviceEvaluator(new PlacementPolicy(0.8, 0.8, 75, 0.2, 0.99, 10, 0.2, 0.35));
        SplittableRandom random = new SplittableRandom(7);
        List<String> apps = List.copyOf(mixed.apps().keySet());
        int changed = 0;
        for (int move = 0; move < 300; move++) {
            AppDemand app = placement.app(apps.get(random.nextInt(apps.size())));
            List<Device> runnable = placement.devices().stream().filter(d -> app.profileOn(d.type()).isPresent()).toList();
            placement.assign(app.app(), random.nextInt(4) == 0 ? null : runnable.get(random.nextInt(runnable.size())).id());
            for (Device device : placement.devices()) {
                double remembered = EVALUATOR.utilizationWith(placement, device, null);
                double fresh = new DeviceEvaluator(PlacementPolicy.DEFAULT).utilizationWith(placement, device, null);
                assertEquals(fresh, remembered, 1e-12, "move " + move + " " + device.id());
                assertTrue(other.utilizationWith(placement, device, null) >= remembered, "each evaluator remembers its own");
                changed += placement.appsOn(device.id()).isEmpty() ? 0 : 1;
            }
        }
        assertTrue(changed > 0);
    }

    @Test
    void theFreeBoundsNeverRefuseWhatTheModelsAccept() {
        for (long seed = 1; seed <= 10; seed++) {
            ClusterModel mixed = dev.perch.cli.EvaluateCommandAccess.initial(ScenarioReader.load("mixed", seed));
            Placement placement = Placement.of(mixed);
            MigrationPlanner admission = new MigrationPlanner(PlacementPolicy.DEFAULT, Integer.MAX_VALUE);
            for (String app : mixed.apps().keySet()) {
                for (Device device : placement.devices()) {
                    if (EVALUATOR.mayFit(placement, device, placement.app(app))) {
                        continue;
                    }
                    placement.assign(app, device.id());
                    assertTrue(!EVALUATOR.evaluate(placement, device.id()).feasible(), app + " on " + device.id());
                    placement.assign(app, null);
                }
                // The cluster fills as Perch admits the apps: each admission's plan applied.
                if (admission.admit(placement.snapshot(), app, Set.of(), Map.of())
                        instanceof MigrationPlanner.Admission.Admitted admitted) {
                    admitted.plan().steps().forEach(step -> placement.assign(step.app(), step.to()));
                }
            }
        }
    }

    /**
     * Apps of one model never swap, so an Edge TPU's utilisation with them is Σ λ·S whatever order
     * their front ends give their arrivals: the evaluator skips that order then, and must still give
     * what the model gives with it — and where two models share the device, the order counts.
     */
    @Test
    void oneModelOnAnEdgeTpuAddsItsServiceLoadWhateverTheArrivalOrder() {
        ProfileCatalog catalog = ScenarioReader.defaultCatalog();
        var mobilenet = catalog.profile("mobilenet_v2", AcceleratorType.EDGETPU).orElseThrow();
        var inception = catalog.profile("inception_v3", AcceleratorType.EDGETPU).orElseThrow();
        Map<String, AppDemand> apps = new LinkedHashMap<>();
        double[] rates = {3, 5, 8};
        for (int i = 0; i < rates.length; i++) {
            apps.put("cam-" + i, new AppDemand("cam-" + i, "mobilenet_v2", rates[i], 200, SloStatistic.MEAN, 60,
                    Map.of(AcceleratorType.EDGETPU, mobilenet)));
        }
        apps.put("other", new AppDemand("other", "inception_v3", 4, 400, SloStatistic.MEAN, 60,
                Map.of(AcceleratorType.EDGETPU, inception)));
        Placement placement = Placement.of(new ClusterModel(10, List.of(new Host("pi", 100_000, 25)),
                List.of(new Device("pi/tpu0", "pi", AcceleratorType.EDGETPU)), apps, Map.of("cam-0", "pi/tpu0", "cam-1", "pi/tpu0")));
        Device tpu = placement.device("pi/tpu0");
        double headroom = PlacementPolicy.DEFAULT.plannedRatePerSec(1);
        double byHand = headroom * (3 + 5 + 8) * mobilenet.serviceMs() / 1000;
        double withThird = EVALUATOR.utilizationWith(placement, tpu, placement.app("cam-2"));
        assertEquals(byHand, withThird, 1e-12);

        EndToEnd path = new EndToEnd(10, 25, PlacementPolicy.DEFAULT.frontendCv());
        List<AppLoad> loads = new java.util.ArrayList<>();
        for (int i = 0; i < rates.length; i++) {
            loads.add(new AppLoad("cam-" + i, "mobilenet_v2", headroom * rates[i], mobilenet.serviceMs(), mobilenet.swapMs(), 0));
        }
        assertEquals(LatencyModels.utilization(AcceleratorType.EDGETPU, loads, path), withThird, 0.0);

        loads.set(2, new AppLoad("other", "inception_v3", headroom * 4, inception.serviceMs(), inception.swapMs(), 0));
        double mixed = EVALUATOR.utilizationWith(placement, tpu, placement.app("other"));
        assertEquals(LatencyModels.utilization(AcceleratorType.EDGETPU, loads, path), mixed, 0.0);
        assertTrue(mixed > LatencyModels.utilization(AcceleratorType.EDGETPU, loads, EndToEnd.NONE),
                "front ends space one app's requests out, so two models swap more than Poisson arrivals say");
    }
}
