package dev.perch.controller;

import dev.perch.cluster.AppReports;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.PlanStep;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.placement.MigrationPlanner;
import dev.perch.placement.PlannedStep;
import dev.perch.placement.TargetSelector;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Decides where each app that runs nowhere goes, one at a time in the cluster's order — the
 * planner's admission ({@link MigrationPlanner#admit}): the accelerator that takes it as things
 * stand, else room a few placed apps make for it, else nowhere, with why (no accelerator takes it,
 * or it is turned away to keep Edge TPU time for smaller apps). A pinned app goes where its owner
 * pinned it. {@code evaluate}'s {@code perch} is this code, run against the simulator.
 *
 * <p>An app still unplaced after its decision (no target, a dry run, a refused step) is tried again
 * after a backoff — 30 s, doubling to 10 minutes — or at once when the cluster may have freed room
 * (an app moved off an accelerator or gone, an accelerator added, a new catalog: {@link ClusterShape}),
 * as a scheduler re-queues an unschedulable pod; without it, every pass would record the same
 * decision again. An app whose room is being made waits until those moves are over: its room is
 * not free while the moved apps' old copies still run there. Room made for one app is not held for
 * it: once its moves are over, the apps that wait are tried in the cluster's order, and an older
 * one that now fits takes it (measured: on the mixed demo, holding it places one app fewer).
 *
 * <p>Not thread-safe: the {@link Reconciler} calls it under its own lock.
 */
final class NewApps {
    /** The first wait before a decision that changed nothing is taken again; it doubles up to the most. */
    static final long FIRST_RETRY_MS = 30_000;
    static final long MAX_RETRY_MS = 600_000;

    private final ClusterReading reading;
    private final PlanExecutor executor;
    private final MigrationPlanner admission;
    private final TargetSelector selector;
    private final Guards guards;
    private final Supplier<AppReports> reports;
    /** Apps of models nobody profiled start on probation. */
    private final ProbationSteps probation;
    /** Apps that found no accelerator, or whose placement did not take effect. */
    private final Backoff retries = new Backoff(FIRST_RETRY_MS, MAX_RETRY_MS);
    /** Why each app this controller last left unplaced runs nowhere, until it is placed or gone (for the live view). */
    private final Map<String, String> whyUnplaced = new HashMap<>();
    /** New apps whose room-making move was held, by the app that move was of (an approval for it is worth a retry). */
    private final Map<String, String> roomHeldOn = new HashMap<>();
    /** The moves started to make room for each new app, until it is placed. */
    private final Map<String, List<RoomMove>> roomMoves = new HashMap<>();

    NewApps(ClusterReading reading, PlanExecutor executor, MigrationPlanner admission, TargetSelector selector,
            Guards guards, Supplier<AppReports> reports, ProbationSteps probation) {
        this.reading = reading;
        this.probation = probation;
        this.executor = executor;
        this.admission = admission;
        this.selector = selector;
        this.guards = guards;
        this.reports = reports;
    }

    /**
     * A pass over unplaced apps: the cluster as it began, and the working model of it that its
     * decisions — and any alert answered between two of them — change in place ({@link WorkingCluster}).
     */
    static final class Pass {
        private final ClusterReading reading;
        private final ClusterSnapshot first;
        private final Map<String, RunningApp> firstApps;
        private WorkingCluster working;

        private Pass(ClusterReading reading, ClusterSnapshot first, Map<String, RunningApp> firstApps) {
            this.reading = reading;
            this.first = first;
            this.firstApps = firstApps;
            this.working = reading.working(first);
        }

        /** The cluster as the pass began: its unplaced apps are the ones decided on. */
        ClusterSnapshot first() {
            return first;
        }

        /** The cluster's shape now, for the backoffs. */
        ClusterShape shape() {
            return working().shape();
        }

        /** The working model; read afresh when a step it could not mirror was applied. */
        private WorkingCluster working() {
            if (working.stale()) {
                working = reading.working(reading.snapshot());
            }
            return working;
        }

        private void applied(PlanStep step) {
            working.applied(step);
        }
    }

    /**
     * Starts a pass: forgets apps placed or gone since the last, and returns the cluster as the pass
     * begins, whose unplaced apps the pass then decides on one by one ({@link #decide}) until it
     * {@link #endPass ends}. From here every step the executor applies changes the pass's model.
     */
    Pass beginPass() {
        ClusterSnapshot first = reading.snapshot();
        reading.startedMoves().observe(first, reading.nowMs()); // every pass, so that a move's end is seen as it happens
        Map<String, RunningApp> byId = new HashMap<>();
        first.apps().forEach(app -> byId.put(app.app(), app));
        Predicate<String> placedOrGone = app -> Optional.ofNullable(byId.get(app)).map(a -> a.accelerator().isPresent()).orElse(true);
        retries.clearIf(placedOrGone);
        roomMoves.keySet().removeIf(placedOrGone);
        whyUnplaced.keySet().removeIf(placedOrGone);
        Pass pass = new Pass(reading, first, byId);
        executor.follow(pass::applied);
        return pass;
    }

    /** Ends the pass: applied steps no longer change its model. */
    void endPass() {
        executor.follow(null);
    }

    /**
     * Decides on one app that ran nowhere when the pass began, unless it waits (for its room's moves,
     * or out its backoff in a cluster of this shape); returns the cluster's shape after. Within a
     * pass the cluster changes by a placement made here, or by an alert answered between two apps;
     * the shape passed on is the one after this app's decision, as the next app's backoff is judged
     * in it.
     */
    ClusterShape decide(RunningApp app, Pass pass, ClusterShape shape) {
        if (waitingForRoom(app.app(), pass.firstApps)) {
            return shape; // placed at the first pass after the moves that make its room are over
        }
        boolean approved = Optional.ofNullable(roomHeldOn.get(app.app())).map(guards::approvalArrived).orElse(false);
        if (!retries.due(app.app(), shape, reading.nowMs()) && !approved) {
            return shape;
        }
        whyUnplaced.remove(app.app()); // decided afresh: a reason, if any, from this decision
        WorkingCluster working = pass.working();
        if (app.spec().pinned()) {
            placePinned(app, working);
        } else {
            ProbationSteps.Start probationStart = probation.start(app, working);
            if (probationStart instanceof ProbationSteps.Start.NotNeeded) {
                admit(app.app(), working); // its model is profiled: the usual admission
            } else if (probationStart instanceof ProbationSteps.Start.Waiting waiting) {
                whyUnplaced.put(app.app(), "waiting for probation: " + waiting.reason());
                if (!waiting.started().isEmpty()) {
                    long nowMs = reading.nowMs();
                    roomMoves.put(app.app(), waiting.started().stream().map(m -> new RoomMove(m, nowMs)).toList());
                }
            }
        }
        // Not placed — no target, a dry run, a refused step, or not yet visible: back off, so
        // that the same decision is not recorded on every pass.
        if (reading.app(app.app()).map(a -> a.accelerator().isEmpty()).orElse(false)) {
            retries.unchanged(app.app(), shape, reading.nowMs());
        } else {
            retries.clear(app.app());
            roomHeldOn.remove(app.app());
            roomMoves.remove(app.app());
        }
        return pass.shape(); // a move that made room changed it too
    }

    private void admit(String app, WorkingCluster working) {
        Optional<String> servedOn = working.app(app).flatMap(RunningApp::accelerator);
        Optional<String> like = working.refusedAsking(app);
        if (like.isPresent()) {
            String reason = "no device keeps every SLO with it, as none did with " + like.get() + " earlier in this pass"
                    + " (the same model, at no higher a rate, with no tighter an SLO), nor room made by moving placed"
                    + " apps; since then apps were only placed, and none can be moved yet";
            executor.decline(app, reason, null, newAppTrigger(app, working), servedOn);
            reports.get().unplaced(app, reason);
            whyUnplaced.put(app, "no accelerator takes it: " + reason);
            return;
        }
        // Room is planned only when a move may start: with the move cap reached, every plan that
        // moved an app would be held, and at 10,000 apps a room search for each of thousands of
        // waiting apps was seconds of a pass and as many identical held moves in the decisions.
        String whyNoMoves = guards.everyMoveHeld().orElse(null);
        MigrationPlanner.Admission decided = admission.admit(working.placement(), app, working.immovable(), working.closed(),
                whyNoMoves);
        if (decided instanceof MigrationPlanner.Admission.TurnedAway turnedAway) {
            executor.decline(app, turnedAway.reason(), null, newAppTrigger(app, working), servedOn);
            reports.get().turnedAway(app, turnedAway.reason());
            whyUnplaced.put(app, "turned away: " + turnedAway.reason());
            return;
        }
        if (decided instanceof MigrationPlanner.Admission.NoRoom none) {
            if (whyNoMoves == null) {
                working.refused(app); // room was looked for too: an app like it needs none looked for again this pass
            } else {
                roomHeldOn.remove(app); // it waits for the cap now, not for the approval of an earlier room move
            }
            executor.decline(app, none.reason(), null, newAppTrigger(app, working), servedOn);
            reports.get().unplaced(app, none.reason());
            whyUnplaced.put(app, "no accelerator takes it: " + none.reason());
            return;
        }
        var plan = ((MigrationPlanner.Admission.Admitted) decided).plan();
        boolean makesRoom = plan.moves() > 0;
        String roomTrigger = "new app " + app + ": no accelerator takes it as things stand, so others make room: ";
        String trigger = newAppTrigger(app, working);
        PlanExecutor.Execution done = executor.execute(plan, step -> step.isMove() ? roomTrigger + step.reason()
                : makesRoom ? step.reason() : trigger);
        if (done instanceof PlanExecutor.Execution.Stopped stopped && stopped.at().isMove()) {
            roomHeldOn.put(app, stopped.at().app());
        }
        if (!done.started().isEmpty() && !(done instanceof PlanExecutor.Execution.Done)) {
            long nowMs = reading.nowMs();
            List<RoomMove> started = done.started().stream().map(m -> new RoomMove(m, nowMs)).toList();
            roomMoves.put(app, started);
            String waiting = "waiting for " + started.stream().map(m -> m.move().app() + " to move to " + m.move().to())
                    .collect(Collectors.joining(", ")) + ", which makes room for it";
            reports.get().waitingForRoom(app, waiting);
            whyUnplaced.put(app, waiting);
        }
    }

    /**
     * A pinned app goes to its accelerator, or the first accelerator of its node that runs its
     * model — whatever the models predict there (the owner decided; the decision records the
     * prediction).
     */
    private void placePinned(RunningApp app, WorkingCluster working) {
        String pin = app.spec().pinnedTo();
        ProfileCatalog catalog = working.catalog();
        Optional<String> target = working.accelerator(pin).map(a -> a.id()).or(() -> working.first().node(pin).flatMap(node ->
                node.accelerators().stream().filter(a -> catalog.profile(app.spec().model(), a.type()).isPresent())
                        .map(a -> a.id()).findFirst()));
        String trigger = "new app, pinned to " + pin + " by its owner";
        if (target.isEmpty()) {
            String why = "pinned to " + pin + ", which is no accelerator or node of the cluster that runs " + app.spec().model();
            executor.decline(app.app(), why, null, trigger, working.app(app.app()).flatMap(RunningApp::accelerator));
            reports.get().unplaced(app.app(), why);
            whyUnplaced.put(app.app(), "no accelerator takes it: " + why);
            return;
        }
        PlannedStep step = ((TargetSelector.Choice.Chosen) selector.moveTo(working.placement(), app.app(), target.get())).step();
        executor.apply(step, trigger);
    }

    /** A move started to make room for a new app. */
    private record RoomMove(PlanStep.Move move, long startedMs) {
        /**
         * Over once the cluster shows the app settled on its target, no longer moving (completed or
         * rolled back), or gone — or when it has not shown the move under way within
         * {@link StartedMoves#MOVE_SEEN_WITHIN_MS} of its start.
         */
        boolean over(Map<String, RunningApp> apps, long nowMs) {
            RunningApp moved = apps.get(move.app());
            if (moved == null) {
                return true;
            }
            if (moved.moving()) {
                return false;
            }
            return landed(moved) || nowMs - startedMs > StartedMoves.MOVE_SEEN_WITHIN_MS;
        }

        /** Whether the cluster shows the app served on the move's target. */
        boolean landed(RunningApp moved) {
            return moved.accelerator().equals(Optional.of(move.to()));
        }
    }

    /** "new app", and which of the moves started to make room for it have landed. */
    private String newAppTrigger(String newApp, WorkingCluster working) {
        List<String> landed = roomMoves.getOrDefault(newApp, List.of()).stream()
                .filter(m -> working.app(m.move().app()).map(m::landed).orElse(false))
                .map(m -> m.move().app() + " moved to " + m.move().to()).toList();
        return landed.isEmpty() ? "new app" : "new app, after " + String.join(", ", landed) + " to make room";
    }

    /** Whether a move started to make room for the new app is not over yet, as the pass began. */
    private boolean waitingForRoom(String newApp, Map<String, RunningApp> firstApps) {
        List<RoomMove> moves = roomMoves.get(newApp);
        return moves != null && moves.stream().anyMatch(move -> !move.over(firstApps, reading.nowMs()));
    }

    /**
     * Why each app this controller decided on runs nowhere: no accelerator takes it, it was turned
     * away, or it waits for the moves that make its room — as of its last decision, until it is
     * placed or gone.
     */
    Map<String, String> unplacedApps() {
        return Map.copyOf(whyUnplaced);
    }
}
