package dev.perch.controller;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.ClusterNode;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.RunningApp;
import dev.perch.cluster.AppReports;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.placement.ClusterModel;
import dev.perch.placement.DeviceEvaluator;
import dev.perch.placement.MigrationPlan;
import dev.perch.placement.MigrationPlanner;
import dev.perch.placement.PlacementPolicy;
import dev.perch.placement.TargetSelector;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.InventoryRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The controller's decisions, as a short chain of named steps: publish what the cluster is
 * ({@link #publishInventory}), place apps that run nowhere ({@link #placeUnplaced}), and answer an SLO
 * alert ({@link #onAlert}) — check the guards, choose a target with the models
 * ({@link TargetSelector}) or, when no device takes the app at risk, move others off its accelerator
 * ({@link MigrationPlanner#relieve}: never a pinned app, one already moving or one in its
 * cooldown), apply each step and record the decision with the predictions before and after
 * ({@link Actuation}); and, when turned on, free accelerators once load has dropped
 * ({@link #consolidate}).
 *
 * <p>Acts on {@code impending} and {@code violation} alerts; answers again those still open whose
 * app is still at risk after an answer that changed nothing, and, on taking over as leader, every
 * one still open ({@link #answerStillAtRisk}); never acts on the same app again within the cooldown;
 * applies nothing the {@link Guards} hold (move caps, dry-run, approval) — such a decision is still
 * recorded, with why; decides again on an app that found no accelerator, or is still at risk, only
 * after a backoff or once the cluster may have freed room ({@link ClusterShape}); places and moves
 * no app to an accelerator a move failed to reach in the last ten minutes; relieves an accelerator
 * by one answer at a time — an alert about another app there waits until that answer's moves are
 * over, and is answered then only if a prediction window from after them still puts its app at
 * risk ({@link StartedMoves}).
 * Time comes from the injected {@link Clock} (simulated time in the demo).
 */
public final class Reconciler {
    private static final Logger EVENTS = LoggerFactory.getLogger("perch.events");
    /** An alert about a window older than this describes a cluster that has moved on: not acted on. */
    static final long STALE_ALERT_MS = 60_000;

    private final ClusterView view;
    /** The profile catalog as it is now: on Kubernetes it follows the ConfigMap, so each step takes it afresh. */
    private final Supplier<ProfileCatalog> catalog;
    private final TargetSelector selector;
    private final MigrationPlanner planner;
    private final Consolidation consolidation;
    /** Plans consolidation at the consolidation's watermark, stricter than placement's limits. */
    private final MigrationPlanner packer;
    private Long lastConsolidationMs;
    /** The first wait before a decision that changed nothing is taken again; it doubles up to the most. */
    static final long FIRST_RETRY_MS = 30_000;
    static final long MAX_RETRY_MS = 600_000;
    /** Apps that found no accelerator, or whose placement did not take effect. */
    private final Backoff unplacedRetries = new Backoff(FIRST_RETRY_MS, MAX_RETRY_MS);
    /** Why each app this controller last left unplaced runs nowhere, until it is placed or gone (for the live view). */
    private final Map<String, String> whyUnplaced = new HashMap<>();
    /** New apps whose room-making move was held, by the app that move was of (an approval for it is worth a retry). */
    private final Map<String, String> roomHeldOn = new HashMap<>();
    /**
     * The moves started to make room for each new app, until it is placed: it waits until they are
     * over, because its room is not free while the moved apps' old copies still run there.
     */
    private final Map<String, List<RoomMove>> roomMoves = new HashMap<>();
    /**
     * A move the cluster has not shown under way within this long of its start is taken as over:
     * completed or rolled back before a pass saw it (the cluster's view lags the API by far less).
     */
    static final long MOVE_SEEN_WITHIN_MS = 30_000;
    /** The moves started here, until they end: which targets failed, which accelerators are being relieved. */
    private final StartedMoves startedMoves = new StartedMoves();
    /** Apps still at risk whose last answer changed nothing (held, no target, a dry run). */
    private final Backoff atRiskRetries = new Backoff(FIRST_RETRY_MS, MAX_RETRY_MS);
    /**
     * The latest impending or violation alert of each app, until its resolved alert or until the app
     * runs on another accelerator (the topology then alerts afresh from there).
     */
    private final Map<String, AlertRecord> openAlerts = new HashMap<>();
    private final Cooldown cooldown;
    private final LiveRates rates;
    private final ControllerOutputs outputs;
    private final Clock clock;
    /** When this replica's controller was built, by its clock. */
    private final long startedMs;
    private final Policy policy;
    private final Guards guards;
    /** Guards, applies and records each decision. */
    private final Actuation actuation;
    private volatile AppReports appReports = AppReports.NONE;
    /**
     * Held for each step, and in a pass over unplaced apps for one app at a time. Fair, so that an
     * alert waiting for it is answered before the pass goes on to its next app.
     */
    private final ReentrantLock lock = new ReentrantLock(true);
    /** False while another controller replica leads: then nothing is decided here. */
    private volatile boolean active = true;
    private Long lastReactiveCheckMs;
    /**
     * The most moves of other apps planned to relieve one accelerator for one alert. The guards
     * still cap what is applied; what is left, the next alert plans again from what then runs.
     */
    static final int RELIEF_MOVE_BUDGET = 3;
    /**
     * The most moves one consolidation pass plans. The guards' per-node cap (1 a minute by default)
     * applies fewer; the next pass plans again from what then runs.
     */
    static final int CONSOLIDATION_MOVE_BUDGET = 8;
    /** The reactive rule's period (the Ibis paper polls every 10 s). */
    static final long REACTIVE_PERIOD_MS = 10_000;

    public Reconciler(ClusterView view, ClusterActuator actuator, ProfileCatalog catalog, PlacementPolicy policy,
                      Duration cooldown, LiveRates rates, ControllerOutputs outputs, Clock clock) {
        this(view, actuator, catalog, policy, cooldown, rates, outputs, clock, Policy.PERCH);
    }

    public Reconciler(ClusterView view, ClusterActuator actuator, ProfileCatalog catalog, PlacementPolicy placement,
                      Duration cooldown, LiveRates rates, ControllerOutputs outputs, Clock clock, Policy policy) {
        this(view, actuator, catalog, placement, cooldown, rates, outputs, clock, policy,
                new Guards(Guards.Limits.DEFAULT, dev.perch.cluster.Approvals.NONE, clock));
    }

    public Reconciler(ClusterView view, ClusterActuator actuator, ProfileCatalog catalog, PlacementPolicy placement,
                      Duration cooldown, LiveRates rates, ControllerOutputs outputs, Clock clock, Policy policy, Guards guards) {
        this(view, actuator, catalog, placement, cooldown, rates, outputs, clock, policy, guards, Consolidation.OFF);
    }

    public Reconciler(ClusterView view, ClusterActuator actuator, ProfileCatalog catalog, PlacementPolicy placement,
                      Duration cooldown, LiveRates rates, ControllerOutputs outputs, Clock clock, Policy policy, Guards guards,
                      Consolidation consolidation) {
        this(view, actuator, () -> catalog, placement, cooldown, rates, outputs, clock, policy, guards, consolidation);
    }

    /** With a catalog that may change while the controller runs (the ConfigMap's, on Kubernetes). */
    public Reconciler(ClusterView view, ClusterActuator actuator, Supplier<ProfileCatalog> catalog, PlacementPolicy placement,
                      Duration cooldown, LiveRates rates, ControllerOutputs outputs, Clock clock, Policy policy, Guards guards,
                      Consolidation consolidation) {
        this.consolidation = consolidation;
        this.packer = new MigrationPlanner(consolidation.packing(placement), CONSOLIDATION_MOVE_BUDGET);
        this.guards = guards;
        this.policy = policy;
        this.view = view;
        this.catalog = catalog;
        this.selector = new TargetSelector(new DeviceEvaluator(placement));
        this.planner = new MigrationPlanner(placement, RELIEF_MOVE_BUDGET);
        this.cooldown = new Cooldown(clock, cooldown);
        this.rates = rates;
        this.outputs = outputs;
        this.clock = clock;
        this.startedMs = clock.millis();
        this.actuation = new Actuation(view, actuator, guards, this.cooldown, startedMoves, rates, outputs, () -> appReports,
                clock);
    }

    /** Where decisions and SLO reports go for the apps' owners (Events and status on Kubernetes); none by default. */
    public void reportTo(AppReports reports) {
        this.appReports = reports;
    }

    /**
     * Reports each app of a prediction window as within its SLO when both the prediction and the
     * observation say so (an app is reported at risk by its alerts).
     */
    public void observe(PredictionRecord prediction) {
        if (!active) {
            return;
        }
        for (PredictionRecord.AppPrediction app : prediction.apps()) {
            if (Boolean.TRUE.equals(app.sloMet()) && app.sloMs() != null && app.sloStatistic() != null) {
                dev.perch.model.profile.SloStatistic statistic = dev.perch.model.profile.SloStatistic.parse(app.sloStatistic());
                Double observed = switch (statistic) {
                    case MEAN -> app.observedMeanMs();
                    case P95 -> app.observedP95Ms();
                    default -> null;
                };
                appReports.met(app.app(), app.predicted(statistic), observed);
            }
        }
    }

    /**
     * Whether this replica decides (it leads), or only watches. Taking over answers the alerts still
     * open ({@link #onAlert}).
     */
    public void setActive(boolean active) {
        boolean takingOver = active && !this.active;
        this.active = active;
        if (takingOver && policy == Policy.PERCH) {
            lock.lock();
            try {
                atRiskRetries.clearIf(app -> true); // a new term: what an earlier one waited for is looked at afresh
                answerOpenAlerts("taking over as leader, ");
            } finally {
                lock.unlock();
            }
        }
    }

    public boolean active() {
        return active;
    }

    /** Step 1: tell the topology what the cluster is (nodes, accelerators, network, front ends). */
    public void publishInventory() {
        lock.lock();
        try {
            if (!active) {
                return;
            }
            ClusterSnapshot snapshot = view.snapshot();
            for (ClusterNode node : snapshot.nodes()) {
                outputs.inventory(new InventoryRecord(InventoryRecord.SCHEMA, node.node(), node.memoryMb(),
                        snapshot.networkMs(), node.frontendServiceMs(),
                        node.accelerators().stream().map(a -> new InventoryRecord.Entry(a.id(), a.type().id())).toList(),
                        clock.millis()));
            }
            for (RunningApp app : snapshot.apps()) {
                outputs.app(actuation.appRecord(app, app.migratingTo().or(app::accelerator), snapshot));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Step 2: place every app that runs nowhere, one at a time in the cluster's order; when no
     * accelerator takes it as things stand, a few placed apps make room for it first
     * ({@link #admitMakingRoom}; not for pinned apps, nor under the reactive policy). An app no
     * accelerator takes even so is reported (on Kubernetes: {@code Unschedulable}); an app still unplaced
     * after its pass (no target, a dry run, a refused step) is tried again after a backoff — 30 s,
     * doubling to 10 minutes — or at once when the cluster may have freed room (an app moved off an
     * accelerator or gone, an accelerator added, a new catalog: {@link ClusterShape}), as a
     * scheduler re-queues an unschedulable pod; without it, every pass of the loop would
     * record the same decision again. Room made for one app is not held for it: once its moves are
     * over, the apps that wait are tried in the cluster's order, and an older one that now fits
     * takes it (measured: on the mixed demo, holding it places one app fewer).
     */
    public void placeUnplaced() {
        ClusterSnapshot first;
        ClusterShape shape;
        lock.lock();
        try {
            if (!active) {
                return;
            }
            first = view.snapshot();
            startedMoves.observe(first, clock.millis()); // every pass, so that a move's end is seen as it happens
            Predicate<String> placedOrGone = app -> first.app(app).map(a -> a.accelerator().isPresent()).orElse(true);
            unplacedRetries.clearIf(placedOrGone);
            roomMoves.keySet().removeIf(placedOrGone);
            whyUnplaced.keySet().removeIf(placedOrGone);
            shape = shapeOf(first);
        } finally {
            lock.unlock();
        }
        // The lock is taken for one app at a time, so that an alert that arrives during a long pass
        // (thousands of apps on a large cluster) waits for one app's decision, not for the pass.
        for (RunningApp app : first.apps()) {
            if (app.accelerator().isEmpty() && !app.moving()) {
                lock.lock();
                try {
                    if (!active) {
                        return;
                    }
                    shape = decideOnUnplaced(app, first, shape);
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * Decides on one app that ran nowhere when the pass began, unless it waits (for its room's moves,
     * or out its backoff in a cluster of this shape); returns the cluster's shape after. Within a
     * pass the cluster changes by a placement made here, or by an alert answered between two apps;
     * the shape is taken again after a decision, not for every app (most wait out a backoff), and a
     * stale one only makes an app due once more.
     */
    private ClusterShape decideOnUnplaced(RunningApp app, ClusterSnapshot first, ClusterShape shape) {
        if (waitingForRoom(app.app(), first)) {
            return shape; // placed at the first pass after the moves that make its room are over
        }
        boolean approved = Optional.ofNullable(roomHeldOn.get(app.app())).map(guards::approvalArrived).orElse(false);
        if (!unplacedRetries.due(app.app(), shape, clock.millis()) && !approved) {
            return shape;
        }
        whyUnplaced.remove(app.app()); // decided afresh: a reason, if any, from this decision
        ClusterSnapshot snapshot = view.snapshot();
        ProfileCatalog profiles = catalog.get();
        ClusterModel model = ClusterModels.from(snapshot, profiles, rates);
        Map<String, String> closed = closed(snapshot);
        TargetSelector.Choice choice = app.spec().pinned() ? pinnedPlacement(model, snapshot, app, profiles)
                : selector.place(model, app.app(), closed);
        // An app that fits (as things stand, or once room is made) may still be turned away to keep
        // Edge TPU time for smaller apps: asked here of a target found, and by the planner's admission
        // of the room it finds.
        boolean turnedAway = false;
        boolean admitting = !app.spec().pinned() && policy == Policy.PERCH;
        if (choice instanceof TargetSelector.Choice.Chosen && admitting) {
            Optional<String> why = planner.turnedAway(model, app.app(), closed.keySet());
            if (why.isPresent()) {
                choice = new TargetSelector.Choice.NoTarget(app.app(), why.get(), null);
                turnedAway = true;
            }
        } else if (choice instanceof TargetSelector.Choice.NoTarget none && admitting) {
            MigrationPlanner.Admission decided = planner.admission(model, app.app(), immovable(snapshot), closed.keySet());
            MigrationPlan admission = decided.plan();
            if (decided.turnedAway().isPresent()) {
                choice = new TargetSelector.Choice.NoTarget(app.app(), decided.turnedAway().get(), null);
                turnedAway = true;
            } else if (admission.actions().isEmpty()) {
                choice = new TargetSelector.Choice.NoTarget(none.app(), none.reason() + "; "
                        + String.join("; ", admission.unresolved()), none.sourceNow());
            } else {
                admitMakingRoom(app.app(), admission);
                choice = null;
            }
        }
        if (choice != null) {
            actuation.act(choice, app.spec().pinned() ? "new app, pinned to " + app.spec().pinnedTo()
                    + " by its owner" : newAppTrigger(app.app(), snapshot), snapshot);
        }
        if (choice instanceof TargetSelector.Choice.NoTarget none) {
            if (turnedAway) {
                appReports.turnedAway(app.app(), none.reason());
                whyUnplaced.put(app.app(), "turned away: " + none.reason());
            } else {
                appReports.unplaced(app.app(), none.reason());
                whyUnplaced.put(app.app(), "no accelerator takes it: " + none.reason());
            }
        }
        // Not placed — no target, a dry run, a refused step, or not yet visible: back off, so
        // that the same decision is not recorded on every pass.
        ClusterSnapshot after = view.snapshot();
        if (after.app(app.app()).map(a -> a.accelerator().isEmpty()).orElse(false)) {
            unplacedRetries.unchanged(app.app(), shape, clock.millis());
        } else {
            unplacedRetries.clear(app.app());
            roomHeldOn.remove(app.app());
            roomMoves.remove(app.app());
        }
        ClusterShape next = shapeOf(after); // a move that made room changed it too
        return next.equals(shape) ? shape : next; // the same object while nothing changes: a cheap comparison
    }

    /** What of the cluster may give an app room ({@link ClusterShape}). */
    private ClusterShape shapeOf(ClusterSnapshot snapshot) {
        return ClusterShape.of(snapshot, catalog.get());
    }

    /**
     * Where a pinned app goes: its accelerator, or the first accelerator of its node that runs its
     * model — whatever the models predict there (the owner decided; the decision records the
     * prediction).
     */
    private TargetSelector.Choice pinnedPlacement(ClusterModel model, ClusterSnapshot snapshot, RunningApp app,
                                                  ProfileCatalog catalog) {
        String pin = app.spec().pinnedTo();
        Optional<String> target = snapshot.accelerator(pin).map(a -> a.id()).or(() -> snapshot.node(pin).flatMap(node ->
                node.accelerators().stream().filter(a -> catalog.profile(app.spec().model(), a.type()).isPresent())
                        .map(a -> a.id()).findFirst()));
        if (target.isEmpty()) {
            return new TargetSelector.Choice.NoTarget(app.app(), "pinned to " + pin
                    + ", which is no accelerator or node of the cluster that runs " + app.spec().model(), null);
        }
        return selector.moveTo(model, app.app(), target.get());
    }

    /**
     * No accelerator takes a new app as the cluster stands, so placed apps make room for it
     * ({@link MigrationPlanner#admit}): each move goes through the guards like any other and is
     * recorded with its own reason, in the plan's order — each target takes its app with what runs
     * there. The app itself is placed at the first pass after those moves are over, from what then
     * runs ({@link #waitingForRoom}): a move is make-before-break, so until it completes the moved
     * app's old copy still runs where the new app is to go. In a dry run nothing moves and the
     * placement is recorded at once. A move held (a cap, an approval to wait for) or refused stops
     * the plan there; the app is looked at again once the moves started are over and after its
     * backoff, when room may have been freed, or when the held move is approved.
     */
    private void admitMakingRoom(String newApp, MigrationPlan admission) {
        String trigger = "new app " + newApp + ": no accelerator takes it as things stand, so others make room";
        List<RoomMove> started = new ArrayList<>();
        for (MigrationPlan.Action action : admission.actions()) {
            if (action instanceof MigrationPlan.Action.Move move) {
                if (!actuation.act(Actuation.chosen(move), trigger + ": " + move.reason(), view.snapshot())) {
                    roomHeldOn.put(newApp, move.app());
                    break;
                }
                started.add(new RoomMove(move.app(), move.to(), clock.millis()));
            } else if (action instanceof MigrationPlan.Action.Place place && guards.limits().dryRun()) {
                actuation.act(new TargetSelector.Choice.Chosen(place.app(), null, place.to(), null, null, place.targetBefore(),
                        place.targetAfter()), place.reason(), view.snapshot());
            }
        }
        if (!guards.limits().dryRun() && !started.isEmpty()) {
            roomMoves.put(newApp, started);
            String waiting = "waiting for " + started.stream().map(m -> m.app() + " to move to " + m.to())
                    .collect(Collectors.joining(", ")) + ", which makes room for it";
            appReports.waitingForRoom(newApp, waiting);
            whyUnplaced.put(newApp, waiting);
        }
    }

    /** A move started to make room for a new app. */
    private record RoomMove(String app, String to, long startedMs) {
        /**
         * Over once the cluster shows the app settled on its target, no longer moving (completed or
         * rolled back), or gone — or when it has not shown the move under way within
         * {@link #MOVE_SEEN_WITHIN_MS} of its start.
         */
        boolean over(ClusterSnapshot snapshot, long nowMs) {
            Optional<RunningApp> moved = snapshot.app(app);
            if (moved.isEmpty()) {
                return true;
            }
            if (moved.get().moving()) {
                return false;
            }
            return landed(snapshot) || nowMs - startedMs > MOVE_SEEN_WITHIN_MS;
        }

        /** Whether the cluster shows the app served on the move's target. */
        boolean landed(ClusterSnapshot snapshot) {
            return snapshot.app(app).flatMap(RunningApp::accelerator).equals(Optional.of(to));
        }
    }

    /** "new app", and which of the moves started to make room for it have landed. */
    private String newAppTrigger(String newApp, ClusterSnapshot snapshot) {
        List<String> landed = roomMoves.getOrDefault(newApp, List.of()).stream()
                .filter(m -> m.landed(snapshot))
                .map(m -> m.app() + " moved to " + m.to()).toList();
        return landed.isEmpty() ? "new app" : "new app, after " + String.join(", ", landed) + " to make room";
    }

    /** Whether a move started to make room for the new app is not over yet. */
    private boolean waitingForRoom(String newApp, ClusterSnapshot snapshot) {
        List<RoomMove> moves = roomMoves.get(newApp);
        return moves != null && moves.stream().anyMatch(move -> !move.over(snapshot, clock.millis()));
    }

    /**
     * The accelerators no app is placed on or moved to now, nor made room on, each with why: those
     * on a node a move under way is leaving ({@link #beingLeft}) and those a move failed to reach
     * ({@link StartedMoves}). Apps may still move off them.
     */
    private Map<String, String> closed(ClusterSnapshot snapshot) {
        return closed(failedTargets(snapshot), snapshot);
    }

    private static Map<String, String> closed(Map<String, String> failedTargets, ClusterSnapshot snapshot) {
        Map<String, String> closed = new TreeMap<>(failedTargets);
        closed.putAll(beingLeft(snapshot));
        return closed;
    }

    /** The accelerators a move failed to reach within {@link StartedMoves#HOLD}, each with why. */
    private Map<String, String> failedTargets(ClusterSnapshot snapshot) {
        startedMoves.observe(snapshot, clock.millis());
        return startedMoves.closedTargets(clock.millis());
    }

    /**
     * The accelerators of a node a move under way is leaving: its old copy still runs there, while
     * the models count the app on its target — closed for seconds, until the move is over.
     */
    private static Map<String, String> beingLeft(ClusterSnapshot snapshot) {
        Map<String, String> unavailable = new HashMap<>();
        Set<String> nodes = snapshot.nodesBeingLeft();
        for (Accelerator accelerator : snapshot.accelerators()) {
            if (nodes.contains(accelerator.node())) {
                unavailable.put(accelerator.id(), "node " + accelerator.node() + " is being left by a move under way");
            }
        }
        return unavailable;
    }

    /**
     * Step 3: answer one SLO alert. Every replica keeps the alerts still open (impending or
     * violation, not yet resolved), leading or not: the topology alerts on a change of state only, so
     * a replica that takes over answers them then ({@link #setActive}).
     */
    public void onAlert(AlertRecord alert) {
        lock.lock();
        try {
            boolean atRisk = AlertRecord.IMPENDING.equals(alert.kind()) || AlertRecord.VIOLATION.equals(alert.kind());
            if (atRisk) {
                openAlerts.put(alert.app(), alert);
            } else if (AlertRecord.RESOLVED.equals(alert.kind())) {
                // Only the alert it resolves: an app that moved may already be at risk where it runs now.
                openAlerts.computeIfPresent(alert.app(),
                        (app, open) -> open.accelerator().equals(alert.accelerator()) ? null : open);
                atRiskRetries.clear(alert.app());
            }
            // Only a current alert is reported to the app's owner: the alerts a replica reads again at
            // start-up (a week of them) would each rewrite a status with news long past.
            if (active && atRisk && current(alert)) {
                appReports.atRisk(alert.app(), alert.forecastMs() != null ? alert.forecastMs() : alert.predictedMs(),
                        alert.observedMs(), alert.kind() + ": " + alert.reason());
            }
            if (!active || policy != Policy.PERCH || !atRisk) {
                return;
            }
            if (!current(alert)) {
                EVENTS.debug("alert for {} ignored: its window ended {} ms ago", alert.app(),
                        clock.millis() - alert.windowEndMs());
                return;
            }
            if (!startedMoves.newsAfterRelief(alert.accelerator(), alert.windowEndMs())) {
                // Alerts carry their window's end only: one that ended before the move was over
                // describes the accelerator with the moved app still on it. Kept open, as above.
                EVENTS.debug("alert for {} not answered yet: its window ended before the last move off {} was over",
                        alert.app(), alert.accelerator());
                return;
            }
            Optional<ClusterShape> decidedIn = answer(alert, alert.kind() + " alert: " + alert.reason());
            if (decidedIn.isPresent()) {
                answered(alert, decidedIn.get());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether an alert describes the cluster as it is now (its window ended within the last minute):
     * an older one — read again when a replica starts, or delivered late — is kept as open, not acted
     * on as it stands; {@link #answerStillAtRisk} answers it if its app's latest window still puts it at risk.
     */
    private boolean current(AlertRecord alert) {
        return clock.millis() - alert.windowEndMs() <= STALE_ALERT_MS;
    }

    /**
     * Whether an alert was raised before this replica started (its window ended over a minute before):
     * read again at start-up to learn which alerts are still open, it is no news to count or log.
     */
    public boolean raisedBeforeStart(AlertRecord alert) {
        return startedMs - alert.windowEndMs() > STALE_ALERT_MS;
    }

    /**
     * Step 3b: answer again each alert still open whose app its accelerator's latest prediction
     * window still puts at risk ({@link PredictionRecord#atRisk}), once its cooldown and its backoff
     * have passed — 30 s after an answer that changed nothing (no target, a dry run, a step the
     * guards held), doubling to 10 minutes, or at once when the cluster may have freed room or the move
     * held for approval has been approved. The topology
     * alerts on a change of state only, so without this an app whose first answer was held would
     * stay at risk, unanswered, for as long as its state held. A replica taking over as leader does
     * the same at once ({@link #setActive}).
     */
    public void answerStillAtRisk() {
        lock.lock();
        try {
            if (!active || policy != Policy.PERCH) {
                return;
            }
            answerOpenAlerts("");
        } finally {
            lock.unlock();
        }
    }

    private void answerOpenAlerts(String occasion) {
        ClusterSnapshot snapshot = view.snapshot();
        // The app runs elsewhere now: the topology alerts afresh from there. (An app not in the
        // snapshot keeps its alert: a view not yet synced after a takeover shows no apps at all.)
        openAlerts.values().removeIf(alert -> snapshot.app(alert.app()).flatMap(RunningApp::accelerator)
                .map(on -> !on.equals(alert.accelerator())).orElse(false));
        ClusterShape shape = shapeOf(snapshot);
        for (AlertRecord alert : List.copyOf(openAlerts.values())) {
            boolean waiting = snapshot.app(alert.app()).map(app -> app.moving()).orElse(true)
                    || !cooldown.allows(alert.app())
                    || !(atRiskRetries.due(alert.app(), shape, clock.millis()) || guards.approvalArrived(alert.app()));
            if (waiting || !rates.latestOn(alert.accelerator())
                    .filter(w -> startedMoves.newsAfterRelief(w.accelerator(), w.windowStartMs()))
                    .map(w -> w.atRisk(alert.app())).orElse(false)) {
                continue;
            }
            Optional<ClusterShape> decidedIn = answer(alert, occasion + alert.kind()
                    + " alert still open, and the latest prediction still at risk: " + alert.reason());
            if (decidedIn.isPresent()) {
                shape = answered(alert, decidedIn.get());
            }
        }
    }

    /**
     * After a decision on an alert taken in a cluster of {@code shape}: an app still where the
     * alert found it waits out a backoff before it is answered again. Returns the cluster's shape now.
     */
    private ClusterShape answered(AlertRecord alert, ClusterShape shape) {
        ClusterSnapshot now = view.snapshot();
        boolean stayed = now.app(alert.app()).map(app -> !app.moving()
                && app.accelerator().map(alert.accelerator()::equals).orElse(false)).orElse(false);
        if (stayed) {
            atRiskRetries.unchanged(alert.app(), shape, clock.millis());
        } else {
            atRiskRetries.clear(alert.app());
        }
        return shapeOf(now);
    }

    /**
     * The alert's app, if it still runs where the alert says and may be acted on: move it, or make
     * room — or, when only the nodes that moves under way are leaving would allow either, wait for
     * those moves. When it was answered (a decision taken and recorded, whatever it was, or that
     * wait): the shape of the cluster it was answered in ({@link #shapeOf}); else empty.
     */
    private Optional<ClusterShape> answer(AlertRecord alert, String trigger) {
        ClusterSnapshot snapshot = view.snapshot();
        Optional<RunningApp> app = snapshot.app(alert.app());
        if (app.isEmpty() || app.get().accelerator().isEmpty()) {
            EVENTS.debug("alert for {} ignored: not a running app", alert.app());
            return Optional.empty();
        }
        if (app.get().moving()) {
            EVENTS.debug("alert for {} ignored: already moving to {}", alert.app(), app.get().migratingTo().get());
            return Optional.empty();
        }
        if (!app.get().accelerator().get().equals(alert.accelerator())) {
            EVENTS.debug("alert for {} ignored: it is about {}, the app now runs on {}", alert.app(), alert.accelerator(),
                    app.get().accelerator().get());
            return Optional.empty();
        }
        if (!cooldown.allows(alert.app())) {
            EVENTS.debug("alert for {} ignored: in cooldown", alert.app());
            return Optional.empty();
        }
        startedMoves.observe(snapshot, clock.millis());
        Optional<String> relieving = startedMoves.relieving(alert.accelerator());
        if (relieving.isPresent()) {
            // Kept open: answered after the move, if a prediction window from after it still puts the app at risk.
            EVENTS.debug("alert for {} not answered yet: {} is moving off {}, which may be relief enough", alert.app(),
                    relieving.get(), alert.accelerator());
            return Optional.empty();
        }
        ClusterShape shape = shapeOf(snapshot);
        if (app.get().spec().pinned()) {
            actuation.act(new TargetSelector.Choice.NoTarget(alert.app(), "pinned to " + app.get().spec().pinnedTo()
                    + " by its owner: Perch does not move it", null), trigger, snapshot);
            return Optional.of(shape);
        }
        ClusterModel model = ClusterModels.from(snapshot, catalog.get(), rates);
        Map<String, String> failed = startedMoves.closedTargets(clock.millis()); // observed above
        Map<String, String> closed = closed(failed, snapshot);
        Set<String> immovable = immovable(snapshot);
        TargetSelector.Choice choice = selector.relocate(model, alert.app(), closed);
        if (choice instanceof TargetSelector.Choice.NoTarget none) {
            MigrationPlan relief = planner.relieve(model, alert.accelerator(), immovable, closed.keySet());
            if (!relief.actions().isEmpty()) {
                makeRoom(relief, alert.app(), trigger);
                return Optional.of(shape);
            }
            // Nodes being left close accelerators for seconds, failed targets for minutes: the app
            // waits only when, failed targets still closed, the nodes being left alone stand in the way.
            boolean leftNodesClose = !failed.keySet().containsAll(closed.keySet());
            if (leftNodesClose && (selector.relocate(model, alert.app(), failed) instanceof TargetSelector.Choice.Chosen
                    || !planner.relieve(model, alert.accelerator(), immovable, failed.keySet()).actions().isEmpty())) {
                // Nothing is decided (no cooldown either):
                // the backoff of an unchanged cluster holds the app until the moves are over, and
                // the next pass answers it from what then runs.
                EVENTS.debug("alert for {}: only nodes that moves under way are leaving ({}) would take it or its"
                        + " neighbours; answered once the moves are over", alert.app(), closed.keySet());
                return Optional.of(shape);
            }
            String why = relief.unresolved().isEmpty() ? ""
                    : "; nor does moving other apps off it (" + String.join("; ", relief.unresolved()) + ")";
            choice = new TargetSelector.Choice.NoTarget(none.app(), none.reason() + why, none.sourceNow());
        }
        actuation.act(choice, trigger, snapshot);
        return Optional.of(shape);
    }

    /**
     * No device takes the app at risk, so other apps make room on its accelerator: each move of the
     * relief goes through the guards like any other and is recorded with its own reason. The app at
     * risk counts as acted on, so that the alerts it raises while the moves run do not plan again.
     */
    private void makeRoom(MigrationPlan relief, String appAtRisk, String trigger) {
        cooldown.acted(appAtRisk);
        for (MigrationPlan.Action action : relief.actions()) {
            if (action instanceof MigrationPlan.Action.Move move) {
                actuation.act(Actuation.chosen(move), trigger + "; no device takes " + appAtRisk + ", so others make room: "
                        + move.reason(), view.snapshot());
            }
        }
    }

    /** Apps a relief or consolidation must not move: pinned by their owners, already moving, or moved within the cooldown. */
    private Set<String> immovable(ClusterSnapshot snapshot) {
        Set<String> apps = new HashSet<>();
        for (RunningApp app : snapshot.apps()) {
            if (app.spec().pinned() || app.moving() || !cooldown.allows(app.app())) {
                apps.add(app.app());
            }
        }
        return apps;
    }

    /**
     * Step 4, when {@link Consolidation#enabled}: free accelerators once load has dropped — at most
     * once a period, never while a move is in flight, emptying an accelerator only when every app on
     * it fits on the others at the consolidation's watermark ({@link MigrationPlanner#consolidate}),
     * and leaving alone pinned apps and apps within their cooldown. Moves go through the guards in
     * the plan's order and stop at the first one held, so an accelerator is emptied over as many
     * passes as the caps need.
     *
     * <p>It packs by measured load only: not before one period after this controller started, and
     * only when every placed app has a learned rate. The first windows' rates are short-sighted, and
     * a declared rate is a guess; packing on either once moved a busy app onto another busy Edge TPU
     * seconds into a demo, and the simulator saw its SLO broken for 9 s.
     */
    public void consolidate() {
        lock.lock();
        try {
            if (!active || policy != Policy.PERCH || !consolidation.enabled()) {
                return;
            }
            long now = clock.millis();
            long since = lastConsolidationMs != null ? lastConsolidationMs : startedMs;
            if (now - since < consolidation.period().toMillis()) {
                return;
            }
            ClusterSnapshot snapshot = view.snapshot();
            if (snapshot.apps().stream().anyMatch(app -> app.moving())) {
                return; // the cluster is changing: look again at the next pass
            }
            if (snapshot.apps().stream().anyMatch(app -> app.accelerator().isPresent() && rates.rate(app.app()).isEmpty())) {
                return; // an app's load is not measured yet: look again at the next pass
            }
            lastConsolidationMs = now;
            MigrationPlan plan = packer.consolidate(ClusterModels.from(snapshot, catalog.get(), rates), immovable(snapshot),
                    failedTargets(snapshot).keySet());
            for (MigrationPlan.Action action : plan.actions()) {
                if (action instanceof MigrationPlan.Action.Move move && !actuation.act(Actuation.chosen(move),
                        "consolidation: load allows fewer accelerators; " + move.reason(), view.snapshot())) {
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Step 3 of the reactive policy, called once per telemetry window: every 10 s, each app whose last
     * 20 requests' mean latency is over its SLO moves to an idle accelerator (one that runs no app).
     */
    public void tick() {
        lock.lock();
        try {
            if (!active || policy != Policy.REACTIVE
                    || (lastReactiveCheckMs != null && clock.millis() - lastReactiveCheckMs < REACTIVE_PERIOD_MS)) {
                return;
            }
            lastReactiveCheckMs = clock.millis();
            ProfileCatalog catalog = this.catalog.get();
            for (RunningApp app : view.snapshot().apps()) {
                if (app.accelerator().isEmpty() || app.moving()) {
                    continue;
                }
                Double recentMean = rates.latest(app.app()).map(p -> p.observedRecentMeanMs()).orElse(null);
                if (recentMean == null || recentMean <= app.spec().sloMs()) {
                    continue;
                }
                ClusterSnapshot snapshot = view.snapshot();
                String trigger = String.format("reactive: mean of the last 20 requests %.1f ms over the %.0f ms SLO",
                        recentMean, app.spec().sloMs());
                Optional<String> idle = snapshot.accelerators().stream()
                        .filter(a -> !catalog.profile(app.spec().model(), a.type()).isEmpty())
                        .filter(a -> snapshot.apps().stream().noneMatch(o -> o.accelerator().map(a.id()::equals).orElse(false)
                                || o.migratingTo().map(a.id()::equals).orElse(false)))
                        .map(a -> a.id()).sorted().findFirst();
                ClusterModel model = ClusterModels.from(snapshot, catalog, rates);
                if (idle.isEmpty()) {
                    actuation.act(new TargetSelector.Choice.NoTarget(app.app(), "no idle accelerator", null), trigger, snapshot);
                } else {
                    actuation.act(selector.moveTo(model, app.app(), idle.get()), trigger, snapshot);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    public long decisions() {
        lock.lock();
        try {
            return actuation.decisions();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Why each app this controller decided on runs nowhere: no accelerator takes it, it was turned
     * away, or it waits for the moves that make its room — as of its last decision, until it is
     * placed or gone.
     */
    public Map<String, String> unplacedApps() {
        lock.lock();
        try {
            return Map.copyOf(whyUnplaced);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The accelerators that take no app now because a move to them failed (rolled back) within
     * {@link StartedMoves#HOLD}, each with why — as this replica knows them (the moves it started).
     */
    public Map<String, String> heldAccelerators() {
        lock.lock();
        try {
            return startedMoves.closedTargets(clock.millis());
        } finally {
            lock.unlock();
        }
    }

}
