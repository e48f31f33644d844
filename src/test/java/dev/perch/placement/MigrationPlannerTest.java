package dev.perch.placement;

import dev.perch.cli.EvaluateCommandAccess;
import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationPlannerTest {
    private static final PlacementPolicy POLICY = PlacementPolicy.DEFAULT;
    private static final DeviceEvaluator EVALUATOR = new DeviceEvaluator(POLICY);
    private static final long SEED = 4;

    /**
     * The mixed scenario placed by Perch's admission at the declared rates: its apps offered one at a
     * time, in order, to {@link MigrationPlanner#admit} (no move budget of its own, as the oracle's
     * incumbent), each plan applied.
     */
    private static ClusterModel placedMixed(Scenario scenario) {
        Placement placement = Placement.of(EvaluateCommandAccess.initial(scenario));
        MigrationPlanner admission = new MigrationPlanner(POLICY, Integer.MAX_VALUE);
        for (AppSpec app : scenario.apps()) {
            if (admission.admit(placement.snapshot(), app.app(), Set.of(), Map.of())
                    instanceof MigrationPlanner.Admission.Admitted admitted) {
                admitted.plan().steps().forEach(step -> placement.assign(step.app(), step.to()));
            }
        }
        return placement.snapshot();
    }

    /** The scenario with the rate of each named app multiplied by {@code factor}. */
    private static Scenario scaled(Scenario scenario, Set<String> apps, double factor) {
        List<AppSpec> specs = new ArrayList<>();
        for (AppSpec app : scenario.apps()) {
            double rate = apps.contains(app.app()) ? app.ratePerSec() * factor : app.ratePerSec();
            specs.add(new AppSpec(app.app(), app.model(), rate, app.sloMs(), app.sloStatistic(), app.load()));
        }
        return new Scenario(scenario.name(), scenario.networkMs(), scenario.nodes(), scenario.catalog(), specs,
                scenario.lengthSec());
    }

    /** The planner's picture of {@code scenario}'s demands with the given assignment (and devices). */
    private static ClusterModel withDemands(Scenario scenario, Map<String, String> assignment, List<Device> devices) {
        ClusterModel demands = EvaluateCommandAccess.initial(scenario);
        return new ClusterModel(demands.networkMs(), demands.hosts(), devices, demands.apps(), assignment);
    }

    private static Set<String> feasibleDevices(Placement placement) {
        Set<String> feasible = new HashSet<>();
        for (Device device : placement.devices()) {
            if (EVALUATOR.evaluate(placement, device.id()).feasible()) {
                feasible.add(device.id());
            }
        }
        return feasible;
    }

    /** Applies the plan one step at a time and checks that no step breaks a device that held before it. */
    private static Placement applyCheckingEachStep(ClusterModel start, MigrationPlan plan) {
        Placement placement = Placement.of(start);
        for (PlannedStep step : plan.steps()) {
            Set<String> heldBefore = feasibleDevices(placement);
            if (step.step() instanceof PlanStep.Move move) {
                assertEquals(move.from(), placement.deviceOf(move.app()).orElseThrow(), move.toString());
            } else {
                assertTrue(placement.deviceOf(step.app()).isEmpty(), "a placed app is placed nowhere yet: " + step);
            }
            placement.assign(step.app(), step.to());
            Set<String> heldAfter = feasibleDevices(placement);
            assertTrue(heldAfter.containsAll(heldBefore), "step " + step + " broke " + difference(heldBefore, heldAfter));
            assertTrue(heldAfter.contains(step.to()), "the target keeps every SLO: " + step);
        }
        return placement;
    }

    /** The plan of an admitted app; fails with the decision otherwise. */
    private static MigrationPlan admitted(MigrationPlanner.Admission admission) {
        return assertInstanceOf(MigrationPlanner.Admission.Admitted.class, admission, admission.toString()).plan();
    }

    /** The reason an app found no room; fails with the decision otherwise. */
    private static String noRoom(MigrationPlanner.Admission admission) {
        return assertInstanceOf(MigrationPlanner.Admission.NoRoom.class, admission, admission.toString()).reason();
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }

    /** Moves a from-scratch re-placement would make: apps whose device differs from now. */
    private static int scratchMoves(Scenario scenario, ClusterModel now) {
        ClusterModel scratch = placedMixed(scenario);
        int moves = 0;
        for (String app : now.assignment().keySet()) {
            if (!now.assignment().get(app).equals(scratch.assignment().get(app))) {
                moves++;
            }
        }
        return moves;
    }

    @Test
    void whenRatesRiseThePlanRestoresEverySloInSimulationWithFewerMovesThanStartingOver() {
        Scenario declared = ScenarioReader.load("mixed", SEED);
        ClusterModel before = placedMixed(declared);
        // The two most loaded Edge TPUs' apps get 20 % more traffic. (It was 45 % under the fixed 15 %
        // SLO headroom. The window promise keeps apps with 200 ms mean SLOs off a device busy with
        // 42 ms efficientnet-L requests — its congested 60 s windows exceed 200 ms far more than 1 % of
        // the time — and after a 30 % rise the planner finds no device on this cluster for a moved
        // efficientnet-L app; 20 % still breaks SLOs in simulation, as the first assertion checks.)
        List<String> busiest = before.devices().stream().map(Device::id)
                .sorted((a, b) -> Double.compare(utilization(before, b), utilization(before, a))).limit(2).toList();
        Set<String> rising = new HashSet<>();
        before.assignment().forEach((app, device) -> {
            if (busiest.contains(device)) {
                rising.add(app);
            }
        });
        Scenario risen = scaled(declared, rising, 1.2);
        ClusterModel now = withDemands(risen, before.assignment(), before.devices());
        assertTrue(EvaluateCommandAccess.violating(risen, now.assignment(), 1) > 0,
                "the rise breaks SLOs in simulation before any plan");

        MigrationPlan plan = new MigrationPlanner(POLICY, 10).restore(now);

        assertTrue(plan.unresolved().isEmpty(), plan.unresolved().toString());
        assertFalse(plan.isEmpty());
        Placement after = applyCheckingEachStep(now, plan);
        assertEquals(Set.copyOf(after.devices().stream().map(Device::id).toList()), feasibleDevices(after));
        assertEquals(0, EvaluateCommandAccess.violating(risen, after.snapshot().assignment(), 1),
                "the simulator sees every SLO met after the plan");
        int scratch = scratchMoves(risen, now);
        System.out.printf("rates +20 %% on %s: plan %d moves, from scratch %d%n", busiest, plan.moves(), scratch);
        assertTrue(plan.moves() < scratch, plan.moves() + " moves against " + scratch + " from scratch");
        for (PlannedStep step : plan.steps()) {
            PlanStep.Move move = assertInstanceOf(PlanStep.Move.class, step.step());
            assertFalse(step.sourceBefore().feasible(), "only a device that breaks a constraint sends an app away");
            assertTrue(step.targetAfter().feasible());
            assertTrue(step.reason().contains(move.from()), step.reason());
        }
    }

    private static double utilization(ClusterModel cluster, String device) {
        Placement placement = Placement.of(cluster);
        return EVALUATOR.utilizationWith(placement, placement.device(device), null);
    }

    @Test
    void appsOfALostDeviceArePlacedAgainWithoutBreakingAnyOther() {
        Scenario declared = ScenarioReader.load("mixed", SEED);
        ClusterModel before = placedMixed(declared);
        String lost = "pi-2/tpu0";
        List<Device> remaining = before.devices().stream().filter(d -> !d.id().equals(lost)).toList();
        ClusterModel now = withDemands(declared, before.assignment(), remaining);
        long orphans = before.assignment().values().stream().filter(lost::equals).count();

        MigrationPlan plan = new MigrationPlanner(POLICY, 20).restore(now);

        long placedAgain = plan.steps().stream().filter(s -> s.step() instanceof PlanStep.Place).count();
        assertEquals(orphans, placedAgain + plan.unresolved().size(), plan.toString());
        plan.unresolved().forEach(reason -> assertTrue(reason.contains("was lost"), reason));
        Map<String, String> surviving = new LinkedHashMap<>(now.assignment());
        surviving.values().removeIf(lost::equals);
        applyCheckingEachStep(new ClusterModel(now.networkMs(), now.hosts(), remaining, now.apps(), surviving), plan);
    }

    @Test
    void whenLoadDropsConsolidationFreesDevicesAndKeepsEverySlo() {
        Scenario declared = ScenarioReader.load("mixed", SEED);
        ClusterModel before = placedMixed(declared);
        Scenario quiet = scaled(declared, before.assignment().keySet(), 0.3);
        ClusterModel now = withDemands(quiet, before.assignment(), before.devices());

        MigrationPlan plan = new MigrationPlanner(POLICY, 40).consolidate(now);

        Placement after = applyCheckingEachStep(now, plan);
        long usedBefore = now.assignment().values().stream().distinct().count();
        long usedAfter = after.snapshot().assignment().values().stream().distinct().count();
        System.out.printf("load at 30 %%: %d devices in use before consolidation, %d after, %d moves%n", usedBefore,
                usedAfter, plan.moves());
        assertTrue(usedAfter < usedBefore, usedBefore + " -> " + usedAfter);
        assertEquals(0, EvaluateCommandAccess.violating(quiet, after.snapshot().assignment(), 1));
        assertEquals(plan.steps().size(), plan.moves(), "consolidation only moves apps: " + plan.steps());
        assertEquals(plan.moves(), plan.steps().stream().map(PlannedStep::app).distinct().count(),
                "no app moves twice");

        // A device running an app that must not move (pinned by its owner) is never emptied.
        String pinned = plan.steps().get(0).app();
        String itsDevice = now.assignment().get(pinned);
        MigrationPlan around = new MigrationPlanner(POLICY, 40).consolidate(now, Set.of(pinned));
        assertTrue(around.steps().stream().noneMatch(s -> s.step() instanceof PlanStep.Move m
                && (m.app().equals(pinned) || m.from().equals(itsDevice))), around.steps().toString());
        assertFalse(around.isEmpty(), "the other devices are still consolidated");

        // A closed device (a move failed to reach it) receives no app; the rest is still consolidated.
        String target = assertInstanceOf(PlanStep.Move.class, plan.steps().get(0).step()).to();
        MigrationPlan avoiding = new MigrationPlanner(POLICY, 40).consolidate(now, Set.of(), Set.of(target));
        assertTrue(avoiding.steps().stream().noneMatch(s -> s.step() instanceof PlanStep.Move m && m.to().equals(target)),
                avoiding.steps().toString());
        assertFalse(avoiding.isEmpty(), "the other devices are still consolidated");
        applyCheckingEachStep(now, avoiding);
    }

    @Test
    void aSpentBudgetLeavesTheRestUnresolvedWithTheReason() {
        Scenario declared = ScenarioReader.load("mixed", SEED);
        ClusterModel before = placedMixed(declared);
        Scenario risen = scaled(declared, before.assignment().keySet(), 1.3);
        ClusterModel now = withDemands(risen, before.assignment(), before.devices());

        MigrationPlan plan = new MigrationPlanner(POLICY, 0).restore(now);

        assertTrue(plan.isEmpty());
        assertFalse(plan.unresolved().isEmpty());
        assertTrue(plan.unresolved().get(0).endsWith("move budget spent"), plan.unresolved().get(0));
    }

    /**
     * Two Edge TPUs: an Inception-V3 app whose rate rose to 12 req/s shares the first with a small
     * MobileNet app; the second runs an Inception-V4. The Inception-V3 fits on neither alone with the
     * other's load (utilisation over the cap), but the first is fine once the small app leaves.
     */
    private static ClusterModel crowded(double hotRatePerSec) {
        return EvaluateCommandAccess.initial(ScenarioReader.parse("""
                nodes:
                  - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
                  - {node: pi-2, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
                apps:
                  - {app: hot, model: inception_v3, ratePerSec: %s, sloMs: 400, sloStatistic: mean, runningOn: pi-1/tpu0}
                  - {app: small, model: mobilenet_v1, ratePerSec: 5, sloMs: 200, sloStatistic: mean, runningOn: pi-1/tpu0}
                  - {app: filler, model: inception_v4, ratePerSec: 2, sloMs: 600, sloStatistic: mean, runningOn: pi-2/tpu0}
                """.formatted(hotRatePerSec), "crowded"));
    }

    /**
     * ResNet-50 has no Edge TPU profile in the catalog: on a cluster of Edge TPUs nothing predicts
     * its latency anywhere, which the refusal says, and no placed app is moved for it; with a GPU in
     * the cluster it is placed there.
     */
    @Test
    void anAppWhoseModelHasNoProfileForAnyTypeOfTheClusterIsToldSoAndMovesNothing() {
        String apps = """
                apps:
                  - {app: small, model: mobilenet_v1, ratePerSec: 5, sloMs: 200, sloStatistic: mean, runningOn: pi-1/tpu0}
                  - {app: unprofiled, model: resnet_50, ratePerSec: 1, sloMs: 2000, sloStatistic: mean}
                """;
        String edgeTpus = """
                nodes:
                  - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
                  - {node: pi-2, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
                """;
        MigrationPlanner planner = new MigrationPlanner(POLICY, 3);
        var refused = planner.admit(EvaluateCommandAccess.initial(ScenarioReader.parse(edgeTpus + apps, "edge-tpus")),
                "unprofiled", Set.of(), Map.of());
        var noRoom = assertInstanceOf(MigrationPlanner.Admission.NoRoom.class, refused);
        assertEquals("no profile of resnet_50 in Perch's catalog for any accelerator type of the cluster (edgetpu):"
                + " nothing predicts its latency, so it waits for one", noRoom.reason());

        String withGpu = edgeTpus + "  - {node: nano-1, memoryMb: 4096, acceleratorTypes: [gpu], frontendServiceMs: 24}\n";
        var admitted = assertInstanceOf(MigrationPlanner.Admission.Admitted.class,
                planner.admit(EvaluateCommandAccess.initial(ScenarioReader.parse(withGpu + apps, "with-gpu")), "unprofiled", Set.of(), Map.of()));
        assertEquals(0, admitted.plan().moves());
        assertEquals("nano-1/gpu0", admitted.plan().steps().get(0).to());
    }

    @Test
    void relievingOneDeviceMovesTheAppThatMakesRoomAndNeverAPinnedOne() {
        ClusterModel now = crowded(12);
        Placement placement = Placement.of(now);
        assertFalse(EVALUATOR.evaluate(placement, "pi-1/tpu0").feasible(), "the rise breaks the first Edge TPU");
        placement.assign("hot", "pi-2/tpu0");
        assertFalse(EVALUATOR.evaluate(placement, "pi-2/tpu0").feasible(), "and the risen app fits nowhere else");

        MigrationPlanner planner = new MigrationPlanner(POLICY, 3);
        MigrationPlan plan = planner.relieve(now, "pi-1/tpu0", Set.of());
        assertEquals(1, plan.moves());
        PlannedStep step = plan.steps().get(0);
        PlanStep.Move move = assertInstanceOf(PlanStep.Move.class, step.step());
        assertEquals(List.of("small", "pi-1/tpu0", "pi-2/tpu0"), List.of(move.app(), move.from(), move.to()));
        assertFalse(step.sourceBefore().feasible());
        assertTrue(step.sourceAfter().feasible() && step.targetBefore().feasible() && step.targetAfter().feasible());
        applyCheckingEachStep(now, plan);

        MigrationPlan pinned = planner.relieve(now, "pi-1/tpu0", Set.of("small"));
        assertTrue(pinned.isEmpty(), pinned.toString());
        assertEquals(1, pinned.unresolved().size());
        assertTrue(pinned.unresolved().get(0).startsWith("pi-1/tpu0: "), pinned.unresolved().get(0));
        assertTrue(planner.relieve(now, "pi-1/tpu0", Set.of(), Set.of("pi-2/tpu0")).isEmpty(),
                "no app moves to a closed device");

        assertTrue(planner.relieve(crowded(8), "pi-1/tpu0", Set.of()).isEmpty(), "nothing to relieve before the rise");
    }

    /**
     * The built-in {@code room} scenario: an Edge TPU runs an EfficientNet-L and a MobileNet-V2; a new EfficientNet-M app fits on no
     * device as things stand (the GPU cannot run it, and three models swapping on the Edge TPU break
     * the SLOs). The MobileNet-V2 app can run on the GPU: moving it there first makes room.
     */
    @Test
    void aNewAppNoDeviceTakesIsAdmittedAfterAMoveThatMakesRoomAndNeverAPinnedApp() {
        Scenario scenario = ScenarioReader.load("room");
        ClusterModel now = EvaluateCommandAccess.initial(scenario);
        assertTrue(new TargetSelector(EVALUATOR).placeTarget(Placement.of(now), "medium", Set.of()).isEmpty(),
                "no device takes the new app as things stand");
        MigrationPlanner planner = new MigrationPlanner(POLICY, 3);

        MigrationPlan plan = admitted(planner.admit(now, "medium", Set.of(), Map.of()));

        assertEquals(List.of("mobile pi-1/tpu0 -> nano-1/gpu0", "medium -> pi-1/tpu0"), plan.steps().stream()
                .map(s -> s.step() instanceof PlanStep.Move m ? m.app() + " " + m.from() + " -> " + m.to()
                        : s.app() + " -> " + s.to()).toList());
        assertInstanceOf(PlanStep.Place.class, plan.steps().get(1).step(), "the last step places the new app");
        assertTrue(plan.steps().get(0).reason().contains("making room for new app medium"), plan.steps().get(0).reason());
        Placement after = applyCheckingEachStep(now, plan);
        assertEquals(0, EvaluateCommandAccess.violating(scenario, after.snapshot().assignment(), 1),
                "the simulator sees every SLO met once the new app runs");

        // No room: every accelerator's reason first, then why no moves make room.
        String pinned = noRoom(planner.admit(now, "medium", Set.of("mobile"), Map.of()));
        assertTrue(pinned.startsWith("no device keeps every SLO (") && pinned.contains("pi-1/tpu0: ")
                && pinned.contains("nano-1/gpu0: "), pinned);
        assertTrue(pinned.contains("; medium: no device keeps every SLO with it, nor does moving"), pinned);
        String overBudget = noRoom(new MigrationPlanner(POLICY, 0).admit(now, "medium", Set.of(), Map.of()));
        assertTrue(overBudget.contains("over the move budget of 0"), overBudget);
        String gpuClosed = noRoom(planner.admit(now, "medium", Set.of(), Map.of("nano-1/gpu0", "closed")));
        assertTrue(gpuClosed.contains("nano-1/gpu0: closed"), "no app moves to a closed device: " + gpuClosed);
        String tpuClosed = noRoom(planner.admit(now, "medium", Set.of(), Map.of("pi-1/tpu0", "closed")));
        assertTrue(tpuClosed.contains("pi-1/tpu0: closed"), "no room is made on a closed device: " + tpuClosed);
    }

    /**
     * The apps of the mixed scenario offered one by one to {@link MigrationPlanner#admit}, as the
     * controller places new apps: each plan, applied one step at a time, breaks no device that held
     * (make-before-break), so room is made only by moves that can run one after the other; and the
     * simulator sees no SLO broken at the end.
     */
    @Test
    void admittingTheMixedScenarioOneAppAtATimeNeverBreaksAnSloOnTheWay() {
        int madeRoom = 0;
        for (long seed = 1; seed <= 3; seed++) {
            Scenario scenario = ScenarioReader.load("mixed", seed);
            MigrationPlanner planner = new MigrationPlanner(POLICY, 3);
            ClusterModel cluster = EvaluateCommandAccess.initial(scenario);
            for (AppSpec app : scenario.apps()) {
                MigrationPlanner.Admission admission = planner.admit(cluster, app.app(), Set.of(), Map.of());
                if (!(admission instanceof MigrationPlanner.Admission.Admitted admitted)) {
                    continue; // turned away, or no room: nothing changes
                }
                MigrationPlan plan = admitted.plan();
                if (plan.steps().size() > 1) {
                    madeRoom++;
                }
                cluster = applyCheckingEachStep(cluster, plan).snapshot();
            }
            assertEquals(0, EvaluateCommandAccess.violating(scenario, cluster.assignment(), 1), "seed " + seed);
        }
        assertTrue(madeRoom > 0, "room was made for some app");
    }
}
