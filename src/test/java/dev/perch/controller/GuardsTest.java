package dev.perch.controller;

import dev.perch.cluster.Approvals;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.PlanStep;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.DecisionRecord;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guards of {@link Reconciler}: caps and cooldown under a burst of alerts, dry-run, approval. */
class GuardsTest {
    private static final long EPOCH = 1_764_201_600_000L;
    private final List<DecisionRecord> decisions = new ArrayList<>();
    private SimulatedCluster cluster;
    private Reconciler reconciler;

    private void start(Guards.Limits limits, Approvals approvals) {
        start(limits, approvals, false);
    }

    private void start(Guards.Limits limits, Approvals approvals, boolean dryRun) {
        Scenario scenario = ScenarioReader.load("mixed", 2);
        cluster = new SimulatedCluster(scenario, 1, EPOCH, 5000);
        SimClock clock = new SimClock(cluster::nowEpochMs);
        ControllerOutputs outputs = RecordingOutputs.decisionsInto(decisions);
        // Placing is never capped; place with acting guards, then act under the ones under test.
        Reconciler.builder(cluster, cluster, clock)
                .catalog(scenario.catalog()).rates(new LiveRates()).outputs(outputs).build().pass();
        decisions.clear();
        reconciler = Reconciler.builder(cluster, cluster, clock)
                .catalog(scenario.catalog()).rates(new LiveRates()).outputs(outputs).approvals(approvals)
                .settings(ControllerSettings.DEFAULT.withGuards(limits).withDryRun(dryRun)).build();
    }

    /** An impending alert for every placed app at once. */
    private void burst() {
        for (RunningApp app : cluster.snapshot().apps()) {
            if (app.accelerator().isPresent() && app.migratingTo().isEmpty()) {
                reconciler.onAlert(new AlertRecord(AlertRecord.SCHEMA, app.app() + ":impending", AlertRecord.IMPENDING, app.app(),
                        app.accelerator().get(), app.accelerator().get().substring(0, app.accelerator().get().indexOf('/')),
                        100, "mean", 150.0, null, null, 90.0, cluster.nowEpochMs(), "test"));
            }
        }
    }

    private List<DecisionRecord> moves() {
        return decisions.stream().filter(d -> d.action().equals("move")).toList();
    }

    /** One line per decision, for failure messages. */
    private String summary() {
        return decisions.stream().map(d -> d.app() + " " + d.action() + " " + d.from() + "->" + d.to() + " [" + d.result() + "] "
                + d.reason().substring(Math.max(0, d.reason().lastIndexOf(';')))).toList().toString();
    }

    private List<DecisionRecord> applied() {
        return decisions.stream().filter(d -> "patched".equals(d.result())).toList();
    }

    private void advance(int seconds) {
        for (int s = 0; s < seconds; s++) {
            cluster.advanceWindow();
        }
    }

    @Test
    void aBurstOfAlertsStartsNoMoreMovesThanTheWindowCapAndNoAppTwiceInItsCooldown() {
        start(new Guards.Limits(2, 10, 10, Duration.ofSeconds(60), false), Approvals.NONE);
        burst();
        assertEquals(2, applied().size(), summary());
        assertTrue(moves().stream().filter(d -> d.result() == null).allMatch(d -> d.reason().contains("held: 2 moves started")),
                summary());
        assertTrue(moves().size() > 2, "the burst asked for more moves than the cap: " + summary());
        advance(10);
        burst();
        assertEquals(2, applied().size(), "still within the window");
        advance(55); // the first window is over; the moved apps' 30 s cooldown too
        int before = applied().size();
        burst();
        assertEquals(2, applied().size() - before);
        Map<String, Long> lastMoveMs = new HashMap<>();
        for (DecisionRecord move : applied()) {
            Long last = lastMoveMs.put(move.app(), move.atMs());
            assertTrue(last == null || move.atMs() - last >= 30_000, move.app() + " moved twice within its 30 s cooldown");
        }
    }

    @Test
    void thePerNodeAndInFlightCapsHold() {
        start(new Guards.Limits(100, 1, 100, Duration.ofSeconds(60), false), Approvals.NONE);
        burst();
        Set<String> nodes = new HashSet<>();
        for (DecisionRecord move : applied()) {
            assertTrue(nodes.add(node(move.from())) && nodes.add(node(move.to())), "a node touched twice: " + summary());
        }
        assertFalse(applied().isEmpty());

        decisions.clear();
        start(new Guards.Limits(100, 100, 1, Duration.ofSeconds(60), false), Approvals.NONE);
        burst();
        assertEquals(1, applied().size(), "one migration in flight at a time: " + summary());
        assertTrue(decisions.stream().anyMatch(d -> d.reason().contains("held: 1 migrations in flight")));
        advance(10); // the simulated move completes (5 s)
        burst();
        assertEquals(2, applied().size());
    }

    private static String node(String accelerator) {
        return accelerator.substring(0, accelerator.indexOf('/'));
    }

    @Test
    void dryRunDecidesAndRecordsButChangesNothing() {
        start(new Guards.Limits(100, 100, 100, Duration.ofSeconds(60), false), Approvals.NONE, true);
        List<RunningApp> before = cluster.snapshot().apps();
        burst();
        assertFalse(decisions.isEmpty());
        assertFalse(moves().isEmpty());
        assertTrue(moves().stream().allMatch(d -> d.dryRun() && d.result() == null && d.reason().contains("dry run")), summary());
        assertEquals(before, cluster.snapshot().apps(), "the cluster is as it was");
    }

    @Test
    void approvalModeHoldsAMoveUntilItIsApproved() {
        Map<String, String> proposals = new HashMap<>();
        Set<String> approved = new HashSet<>();
        Approvals approvals = new Approvals() {
            @Override
            public boolean approved(PlanStep.Move move) {
                return approved.contains(move.app() + ":" + move.to());
            }

            @Override
            public void propose(PlanStep.Move move, String reason) {
                proposals.put(move.app(), move.to());
            }
        };
        start(new Guards.Limits(100, 100, 100, Duration.ofSeconds(60), true), approvals);
        burst();
        assertTrue(applied().isEmpty(), "nothing moves unapproved");
        assertFalse(proposals.isEmpty());
        assertTrue(moves().stream().allMatch(d -> d.reason().contains("awaiting approval")), summary());
        Map.Entry<String, String> first = proposals.entrySet().iterator().next();
        approved.add(first.getKey() + ":" + first.getValue());
        burst();
        assertEquals(1, applied().size(), summary());
        assertEquals(first.getKey(), applied().get(0).app());
        assertEquals(first.getValue(), applied().get(0).to());
    }

    /**
     * An approval lets its move through once: it is spent as the guards let the move go, and a move
     * whose approval cannot be spent waits (the same move again needs a new approval).
     */
    @Test
    void anApprovalIsSpentAsItsMoveIsLetThroughAndAMoveWhoseApprovalCannotBeSpentWaits() {
        Set<PlanStep.Move> approved = new HashSet<>();
        boolean[] spendable = {false};
        Approvals approvals = new Approvals() {
            @Override
            public boolean approved(PlanStep.Move move) {
                return approved.contains(move);
            }

            @Override
            public void propose(PlanStep.Move move, String reason) {
            }

            @Override
            public boolean spend(PlanStep.Move move) {
                return spendable[0] && approved.remove(move);
            }
        };
        Guards guards = new Guards(new Guards.Limits(100, 100, 100, Duration.ofSeconds(60), true), approvals,
                Clock.fixed(Instant.ofEpochMilli(EPOCH), ZoneOffset.UTC));
        PlanStep.Move move = new PlanStep.Move("cam-1", "pi-1/tpu0", "pi-2/tpu0");
        Supplier<ClusterSnapshot> nothingMoving = () -> new ClusterSnapshot(10, List.of(), List.of());
        approved.add(move);
        Guards.Verdict unspent = guards.check(move, nothingMoving, "test");
        assertEquals(new Guards.Verdict.Held("held: the approval of the move from pi-1/tpu0 to pi-2/tpu0 could not be marked used"),
                unspent);
        spendable[0] = true;
        assertEquals(new Guards.Verdict.Go(), guards.check(move, nothingMoving, "test"));
        assertFalse(approved.contains(move), "spent");
        guards.started(move);
        assertEquals(new Guards.Verdict.Held("held: awaiting approval of the move from pi-1/tpu0 to pi-2/tpu0"),
                guards.check(move, nothingMoving, "test"), "the same move again waits for a new approval");
    }
}
