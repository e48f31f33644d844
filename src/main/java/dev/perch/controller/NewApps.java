package dev.perch.controller;

import dev.perch.cluster.AppReports;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.PlanStep;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.placement.ClusterModel;
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
    /** Apps that found no accelerator, or whose placement did not take effect. */
    private final Backoff retries = new Backoff(FIRST_RETRY_MS, MAX_RETRY_MS);
    /** Why each app this controller last left unplaced runs nowhere, until it is placed or gone (for the live view). */
    private final Map<String, String> whyUnplaced = new HashMap<>();
    /** New apps whose room-making move was held, by the app that move was of (an approval for it is worth a retry). */
    private final Map<String, String> roomHeldOn = new HashMap<>();
    /** The moves started to make room for each new app, until it is placed. */
    private final Map<String, List<RoomMove>> roomMoves = new HashMap<>();

    NewApps(ClusterReading reading, PlanExecutor executor, MigrationPlanner admission, TargetSelector selector,
            Guards guards, Supplier<AppReports> reports) {
        this.reading = reading;
        this.executor = executor;
        this.admission = admission;
        this.selector = selector;
        this.guards = guards;
        this.reports = reports;
    }

    /** A pass over unplaced apps: the cluster as it began, and its shape then. */
    record Pass(ClusterSnapshot cluster, ClusterShape shape) {
    }

    /**
     * Starts a pass: forgets apps placed or gone since the last, and returns the cluster as the pass
     * begins, whose unplaced apps the pass then decides on one by one ({@link #decide}).
     */
    Pass beginPass() {
        ClusterSnapshot first = reading.snapshot();
        reading.startedMoves().observe(first, reading.nowMs()); // every pass, so that a move's end is seen as it happens
        Predicate<String> placedOrGone = app -> first.app(app).map(a -> a.accelerator().isPresent()).orElse(true);
        retries.clearIf(placedOrGone);
        roomMoves.keySet().removeIf(placedOrGone);
        whyUnplaced.keySet().removeIf(placedOrGone);
        return new Pass(first, reading.shapeOf(first));
    }

    /**
     * Decides on one app that ran nowhere when the pass began, unless it waits (for its room's moves,
     * or out its backoff in a cluster of this shape); returns the cluster's shape after. Within a
     * pass the cluster changes by a placement made here, or by an alert answered between two apps;
     * the shape is taken again after a decision, not for every app (most wait out a backoff), and a
     * stale one only makes an app due once more.
     */
    ClusterShape decide(RunningApp app, ClusterSnapshot first, ClusterShape shape) {
        if (waitingForRoom(app.app(), first)) {
            return shape; // placed at the first pass after the moves that make its room are over
        }
        boolean approved = Optional.ofNullable(roomHeldOn.get(app.app())).map(guards::approvalArrived).orElse(false);
        if (!retries.due(app.app(), shape, reading.nowMs()) && !approved) {
            return shape;
        }
        whyUnplaced.remove(app.app()); // decided afresh: a reason, if any, from this decision
        ClusterSnapshot snapshot = reading.snapshot();
        ClusterModel model = reading.model(snapshot);
        if (app.spec().pinned()) {
            placePinned(app, model, snapshot);
        } else {
            admit(app.app(), model, snapshot);
        }
        // Not placed — no target, a dry run, a refused step, or not yet visible: back off, so
        // that the same decision is not recorded on every pass.
        ClusterSnapshot after = reading.snapshot();
        if (after.app(app.app()).map(a -> a.accelerator().isEmpty()).orElse(false)) {
            retries.unchanged(app.app(), shape, reading.nowMs());
        } else {
            retries.clear(app.app());
            roomHeldOn.remove(app.app());
            roomMoves.remove(app.app());
        }
        ClusterShape next = reading.shapeOf(after); // a move that made room changed it too
        return next.equals(shape) ? shape : next; // the same object while nothing changes: a cheap comparison
    }

    private void admit(String app, ClusterModel model, ClusterSnapshot snapshot) {
        MigrationPlanner.Admission decided = admission.admit(model, app, reading.immovable(snapshot), reading.closed(snapshot));
        if (decided instanceof MigrationPlanner.Admission.TurnedAway turnedAway) {
            executor.decline(app, turnedAway.reason(), null, newAppTrigger(app, snapshot), snapshot);
            reports.get().turnedAway(app, turnedAway.reason());
            whyUnplaced.put(app, "turned away: " + turnedAway.reason());
            return;
        }
        if (decided instanceof MigrationPlanner.Admission.NoRoom none) {
            executor.decline(app, none.reason(), null, newAppTrigger(app, snapshot), snapshot);
            reports.get().unplaced(app, none.reason());
            whyUnplaced.put(app, "no accelerator takes it: " + none.reason());
            return;
        }
        var plan = ((MigrationPlanner.Admission.Admitted) decided).plan();
        boolean makesRoom = plan.moves() > 0;
        String roomTrigger = "new app " + app + ": no accelerator takes it as things stand, so others make room: ";
        PlanExecutor.Execution done = executor.execute(plan, step -> step.isMove() ? roomTrigger + step.reason()
                : makesRoom ? step.reason() : newAppTrigger(app, snapshot));
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
    private void placePinned(RunningApp app, ClusterModel model, ClusterSnapshot snapshot) {
        String pin = app.spec().pinnedTo();
        ProfileCatalog catalog = reading.catalog();
        Optional<String> target = snapshot.accelerator(pin).map(a -> a.id()).or(() -> snapshot.node(pin).flatMap(node ->
                node.accelerators().stream().filter(a -> catalog.profile(app.spec().model(), a.type()).isPresent())
                        .map(a -> a.id()).findFirst()));
        String trigger = "new app, pinned to " + pin + " by its owner";
        if (target.isEmpty()) {
            String why = "pinned to " + pin + ", which is no accelerator or node of the cluster that runs " + app.spec().model();
            executor.decline(app.app(), why, null, trigger, snapshot);
            reports.get().unplaced(app.app(), why);
            whyUnplaced.put(app.app(), "no accelerator takes it: " + why);
            return;
        }
        PlannedStep step = ((TargetSelector.Choice.Chosen) selector.moveTo(model, app.app(), target.get())).step();
        executor.apply(step, trigger);
    }

    /** A move started to make room for a new app. */
    private record RoomMove(PlanStep.Move move, long startedMs) {
        /**
         * Over once the cluster shows the app settled on its target, no longer moving (completed or
         * rolled back), or gone — or when it has not shown the move under way within
         * {@link StartedMoves#MOVE_SEEN_WITHIN_MS} of its start.
         */
        boolean over(ClusterSnapshot snapshot, long nowMs) {
            Optional<RunningApp> moved = snapshot.app(move.app());
            if (moved.isEmpty()) {
                return true;
            }
            if (moved.get().moving()) {
                return false;
            }
            return landed(snapshot) || nowMs - startedMs > StartedMoves.MOVE_SEEN_WITHIN_MS;
        }

        /** Whether the cluster shows the app served on the move's target. */
        boolean landed(ClusterSnapshot snapshot) {
            return snapshot.app(move.app()).flatMap(RunningApp::accelerator).equals(Optional.of(move.to()));
        }
    }

    /** "new app", and which of the moves started to make room for it have landed. */
    private String newAppTrigger(String newApp, ClusterSnapshot snapshot) {
        List<String> landed = roomMoves.getOrDefault(newApp, List.of()).stream()
                .filter(m -> m.landed(snapshot))
                .map(m -> m.move().app() + " moved to " + m.move().to()).toList();
        return landed.isEmpty() ? "new app" : "new app, after " + String.join(", ", landed) + " to make room";
    }

    /** Whether a move started to make room for the new app is not over yet. */
    private boolean waitingForRoom(String newApp, ClusterSnapshot snapshot) {
        List<RoomMove> moves = roomMoves.get(newApp);
        return moves != null && moves.stream().anyMatch(move -> !move.over(snapshot, reading.nowMs()));
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
