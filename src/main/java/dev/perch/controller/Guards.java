package dev.perch.controller;

import dev.perch.cluster.Approvals;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.PlanStep;
import dev.perch.cluster.RunningApp;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The limits on what the controller may do, checked before every step it would apply — what Cruise
 * Control's move caps and dry-run, the descheduler's per-node limits and Strimzi's approval
 * annotation do for their domains:
 * <ul>
 *   <li>at most {@code movesPerWindow} moves started within any {@code window}, and at most
 *   {@code movesPerNode} of them touching one node (as source or target);</li>
 *   <li>at most {@code inFlight} migrations in progress in the cluster at once;</li>
 *   <li>{@code approval}: a move is proposed and held until {@link Approvals} says it is approved;
 *   the approval is spent as the move is let through, so it approves that move once.</li>
 * </ul>
 * Placing a new app is never capped (it moves nothing). The per-app cooldown is the {@link Cooldown};
 * dry-run is not a guard but an actuator ({@link DryRunActuator}), wired with no approval to ask for.
 */
public final class Guards {
    /** The limits; {@link #DEFAULT}: 3 moves a minute, 1 per node, 2 in flight, no approval. */
    public record Limits(int movesPerWindow, int movesPerNode, int inFlight, Duration window, boolean approval) {
        public static final Limits DEFAULT = new Limits(3, 1, 2, Duration.ofMinutes(1), false);

        public Limits {
            if (movesPerWindow < 0 || movesPerNode < 0 || inFlight < 0) {
                throw new IllegalArgumentException("move caps must be >= 0");
            }
            if (window == null || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("window must be > 0, got " + window);
            }
        }
    }

    /** What the guards say about a step. */
    public sealed interface Verdict {
        /** Apply it. */
        record Go() implements Verdict {
        }

        /** Do not apply it now; {@code why} says which guard held it. */
        record Held(String why) implements Verdict {
        }
    }

    private record Started(long atMs, String fromNode, String toNode) {
    }

    private final Limits limits;
    private final Approvals approvals;
    private final Clock clock;
    private final Deque<Started> recent = new ArrayDeque<>();
    /** The move last proposed for each app and held for approval, until one of the app's moves starts. */
    private final Map<String, PlanStep.Move> proposed = new HashMap<>();

    public Guards(Limits limits, Approvals approvals, Clock clock) {
        this.limits = limits;
        this.approvals = approvals;
        this.clock = clock;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * What the guards say about {@code step}; {@code snapshot}, the cluster now, is read for a move
     * only, and only once the caps that need no reading let it through: a burst of alerts is mostly
     * held by those, and a snapshot of 10,000 apps for each was garbage that paused the answers.
     */
    public synchronized Verdict check(PlanStep step, Supplier<ClusterSnapshot> snapshot, String reason) {
        if (step instanceof PlanStep.Move move) {
            Optional<String> capped = everyMoveHeld();
            if (capped.isPresent()) {
                return new Verdict.Held(capped.get());
            }
            for (String node : new String[]{node(move.from()), node(move.to())}) {
                long touching = recent.stream().filter(s -> s.fromNode().equals(node) || s.toNode().equals(node)).count();
                if (touching >= limits.movesPerNode()) {
                    return new Verdict.Held(String.format(Locale.ROOT, "held: %d moves touched node %s in the last %d s, the per-node cap",
                            touching, node, limits.window().toSeconds()));
                }
            }
            long inFlight = snapshot.get().apps().stream().filter(RunningApp::moving).count();
            if (inFlight >= limits.inFlight()) {
                return new Verdict.Held(String.format(Locale.ROOT, "held: %d migrations in flight, the cap", inFlight));
            }
            if (limits.approval() && !approvals.approved(move)) {
                approvals.propose(move, reason);
                proposed.put(move.app(), move);
                return new Verdict.Held("held: awaiting approval of the move from " + move.from() + " to " + move.to());
            }
            // Spent before the move is made, not after: an approval never lets a move through twice.
            if (limits.approval() && !approvals.spend(move)) {
                return new Verdict.Held("held: the approval of the move from " + move.from() + " to " + move.to()
                        + " could not be marked used");
            }
        }
        return new Verdict.Go();
    }

    /**
     * Why any move would be held now, whichever app and nodes it touched — the cap on moves started
     * within the window — or empty when a move may start. While it holds, the controller plans no
     * room for a new app.
     */
    public synchronized Optional<String> everyMoveHeld() {
        forgetOld();
        if (recent.size() >= limits.movesPerWindow()) {
            return Optional.of(String.format(Locale.ROOT, "held: %d moves started in the last %d s, the cap", recent.size(),
                    limits.window().toSeconds()));
        }
        return Optional.empty();
    }

    /** Counts a move that was applied (or recorded by a dry run, as it would have been) against the caps. */
    public synchronized void started(PlanStep step) {
        if (step instanceof PlanStep.Move move) {
            proposed.remove(move.app());
            recent.addLast(new Started(clock.millis(), node(move.from()), node(move.to())));
        }
    }

    /**
     * Whether the move last held for the app awaiting approval has been approved since: then the
     * app is worth deciding on again at once, not after the backoff of a decision that changed nothing.
     */
    public synchronized boolean approvalArrived(String app) {
        PlanStep.Move move = proposed.get(app);
        return move != null && approvals.approved(move);
    }

    private void forgetOld() {
        long horizon = clock.millis() - limits.window().toMillis();
        while (!recent.isEmpty() && recent.peekFirst().atMs() <= horizon) {
            recent.removeFirst();
        }
    }

    private static String node(String accelerator) {
        int slash = accelerator.indexOf('/');
        return slash < 0 ? accelerator : accelerator.substring(0, slash);
    }
}
