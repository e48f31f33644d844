package dev.perch.cli;

import dev.perch.cluster.ApplyResult;
import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.PlanStep;
import dev.perch.cluster.RunningApp;
import dev.perch.controller.ControllerSettings;
import dev.perch.controller.Reconciler;
import dev.perch.model.profile.Scenario;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code evaluate}'s {@code perch}: the controller users run — the same {@link Reconciler}, built
 * with the same settings as {@code demo} and {@code run} — driven against the simulated cluster as
 * {@code demo} drives it, without Kafka: a pass at simulated time 0, then one after each simulated
 * second, with moves that take {@link #MOVE_SEC} (the demo's default). With no topology there are
 * no alerts and no learned rates, so it measures how the controller places arriving apps from their
 * declared rates — in the cluster's order, making room, waiting for room, backing off, under the
 * guards' caps — until it has settled: nothing moving, and nothing applied for {@link #QUIET_MS}
 * (the longest backoff, so that every app's last retry is seen).
 */
final class ControllerRun {
    /** How long a move takes in the simulator: {@code perch.move-sec}'s default. */
    static final double MOVE_SEC = 2;
    static final long QUIET_MS = Reconciler.LONGEST_BACKOFF.toMillis();
    /** A bound that only a controller that never settles reaches. */
    static final long LIMIT_MS = 6 * 3_600_000L;

    /**
     * What the controller did: the final placement; one entry per app placed, in order, with the
     * moves applied since the previous placement (what made room for it); the moves; and the time
     * spent deciding (the passes, not the simulator between them).
     */
    record Result(Map<String, String> placement, List<Map<String, String>> changes, List<Placed> placed, int moves,
                  long decisionNs) {
    }

    /** An app placed: where, and when (simulated ms). */
    record Placed(String app, String accelerator, long atMs) {
    }

    private ControllerRun() {
    }

    static Result run(Scenario scenario, long seed, ControllerSettings settings) {
        SimulatedCluster cluster = new SimulatedCluster(scenario, seed, 0, MOVE_SEC * 1000);
        StepLog log = new StepLog(cluster, cluster::nowEpochMs);
        Reconciler controller = Reconciler.builder(cluster, log, new SimClock(cluster::nowEpochMs))
                .catalog(scenario.catalog()).settings(settings).build();
        long decisionNs = 0;
        long lastAppliedMs = 0;
        int applied = 0;
        while (true) {
            long start = System.nanoTime();
            controller.pass();
            decisionNs += System.nanoTime() - start;
            if (log.applied() > applied) {
                applied = log.applied();
                lastAppliedMs = cluster.nowEpochMs();
            }
            boolean moving = cluster.snapshot().apps().stream().anyMatch(RunningApp::moving);
            long nowMs = cluster.nowEpochMs();
            if ((!moving && nowMs - lastAppliedMs >= QUIET_MS) || nowMs >= LIMIT_MS) {
                break;
            }
            cluster.advanceWindow();
        }
        Map<String, String> placement = new LinkedHashMap<>();
        for (RunningApp app : cluster.snapshot().apps()) {
            app.accelerator().ifPresent(on -> placement.put(app.app(), on));
        }
        return new Result(placement, log.changes(), List.copyOf(log.placed), log.moves(), decisionNs);
    }

    /** The actuator the controller is given: the simulator's, noting each step that took effect. */
    private static final class StepLog implements ClusterActuator {
        private final ClusterActuator cluster;
        private final java.util.function.LongSupplier nowMs;
        private final List<Map<String, String>> changes = new ArrayList<>();
        private final List<Placed> placed = new ArrayList<>();
        /** Moves applied since the last placement: they made room for the next. */
        private final Map<String, String> pendingMoves = new LinkedHashMap<>();
        private int applied;
        private int moves;

        StepLog(ClusterActuator cluster, java.util.function.LongSupplier nowMs) {
            this.cluster = cluster;
            this.nowMs = nowMs;
        }

        @Override
        public ApplyResult apply(PlanStep step) {
            ApplyResult result = cluster.apply(step);
            applied++;
            if (step instanceof PlanStep.Move move) {
                moves++;
                pendingMoves.put(move.app(), move.to());
            } else if (step instanceof PlanStep.Place place) {
                Map<String, String> change = new LinkedHashMap<>(pendingMoves);
                change.put(place.app(), place.accelerator());
                changes.add(change);
                pendingMoves.clear();
                placed.add(new Placed(place.app(), place.accelerator(), nowMs.getAsLong()));
            }
            return result;
        }

        int applied() {
            return applied;
        }

        int moves() {
            return moves;
        }

        /** Each placement with the moves before it; moves after the last placement go with it. */
        List<Map<String, String>> changes() {
            List<Map<String, String>> all = new ArrayList<>(changes);
            if (!pendingMoves.isEmpty() && !all.isEmpty()) {
                Map<String, String> last = new LinkedHashMap<>(all.remove(all.size() - 1));
                last.putAll(pendingMoves);
                all.add(last);
            }
            return all;
        }
    }
}
