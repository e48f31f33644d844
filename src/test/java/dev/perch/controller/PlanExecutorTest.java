package dev.perch.controller;

import dev.perch.cluster.AppReports;
import dev.perch.cluster.Approvals;
import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.placement.MigrationPlan;
import dev.perch.placement.MigrationPlanner;
import dev.perch.placement.PlacementPolicy;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.DecisionRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor owns a plan's order: on the {@code room} scenario the planner's plan for the new app
 * is "move mobile to the Jetson, then place medium on the Edge TPU".
 */
class PlanExecutorTest {
    private static final long EPOCH = 1_764_201_600_000L;
    private final SimulatedCluster cluster = new SimulatedCluster(ScenarioReader.load("room"), 1, EPOCH, 2000);
    private final SimClock clock = new SimClock(cluster::nowEpochMs);
    private final List<DecisionRecord> decisions = new ArrayList<>();

    private MigrationPlan roomForMedium() {
        var admission = new MigrationPlanner(PlacementPolicy.DEFAULT, 3).admit(
                ClusterModels.from(cluster.snapshot(), cluster.scenario().catalog(), new LiveRates()), "medium", Set.of(), Map.of());
        MigrationPlan plan = assertInstanceOf(MigrationPlanner.Admission.Admitted.class, admission).plan();
        assertEquals(List.of(new PlanStep.Move("mobile", "pi-1/tpu0", "nano-1/gpu0"), new PlanStep.Place("medium", "pi-1/tpu0")),
                plan.steps().stream().map(s -> s.step()).toList(), "the fixture's plan");
        return plan;
    }

    private PlanExecutor executor(ClusterActuator actuator, Guards.Limits limits) {
        return new PlanExecutor(cluster, actuator, new Guards(limits, Approvals.NONE, clock), new Cooldown(clock, Duration.ofSeconds(30)),
                new StartedMoves(), new LiveRates(), RecordingOutputs.decisionsInto(decisions), () -> AppReports.NONE, clock);
    }

    @Test
    void aPlacementAfterMovesWaitsUntilTheyAreOver() {
        PlanExecutor.Execution done = executor(cluster, Guards.Limits.DEFAULT).execute(roomForMedium(), step -> "test");
        PlanExecutor.Execution.Waiting waiting = assertInstanceOf(PlanExecutor.Execution.Waiting.class, done);
        assertEquals(List.of(new PlanStep.Move("mobile", "pi-1/tpu0", "nano-1/gpu0")), waiting.started());
        assertEquals(new PlanStep.Place("medium", "pi-1/tpu0"), waiting.next().step());
        assertEquals(List.of("move patched"), decisions.stream().map(d -> d.action() + " " + d.result()).toList());
        assertTrue(cluster.snapshot().app("mobile").orElseThrow().moving(), "the move is under way");
        assertTrue(cluster.snapshot().app("medium").orElseThrow().accelerator().isEmpty(), "medium not started beside mobile's old copy");
    }

    @Test
    void aDryRunRecordsEveryStepAndChangesNothing() {
        var before = cluster.snapshot().apps();
        PlanExecutor.Execution done = executor(new DryRunActuator(cluster), Guards.Limits.DEFAULT).execute(roomForMedium(), step -> "test");
        assertInstanceOf(PlanExecutor.Execution.Done.class, done, "nothing will move, so nothing is waited for");
        assertEquals(List.of("move mobile", "place medium"), decisions.stream().map(d -> d.action() + " " + d.app()).toList());
        assertTrue(decisions.stream().allMatch(d -> d.dryRun() && d.result() == null), decisions.toString());
        assertEquals(before, cluster.snapshot().apps(), "the cluster is as it was");
    }

    @Test
    void aHeldStepStopsThePlanThere() {
        PlanExecutor.Execution done = executor(cluster, new Guards.Limits(0, 1, 2, Duration.ofMinutes(1), false))
                .execute(roomForMedium(), step -> "test");
        PlanExecutor.Execution.Stopped stopped = assertInstanceOf(PlanExecutor.Execution.Stopped.class, done);
        assertEquals("mobile", stopped.at().app());
        assertEquals(List.of(), stopped.started());
        assertEquals(1, decisions.size(), "the held move is recorded, the placement after it is not tried");
        assertTrue(decisions.get(0).reason().contains("held: 0 moves started"), decisions.get(0).reason());
        assertTrue(cluster.snapshot().app("mobile").orElseThrow().accelerator().equals(java.util.Optional.of("pi-1/tpu0")));
    }
}
