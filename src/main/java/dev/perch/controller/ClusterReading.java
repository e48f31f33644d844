package dev.perch.controller;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.placement.ClusterModel;
import dev.perch.placement.Placement;

import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What every step of the controller reads before it decides, one rule each: the cluster as it is
 * now, the planner's model of it (learned rates over declared ones), the accelerators that take no
 * app now and why ({@link #closed}), the apps no plan may move ({@link #immovable}), and the
 * cluster's shape for backoffs ({@link ClusterShape}).
 *
 * <p>Not thread-safe: the {@link Reconciler}'s steps use it under the reconciler's lock.
 */
final class ClusterReading {
    private final ClusterView view;
    /**
     * The profile catalog as it is now, with the provisional profiles of models on probation: on
     * Kubernetes it follows the ConfigMap, so each decision takes it afresh.
     */
    private final Supplier<ProfileCatalog> catalog;
    private final Probations probations;
    private final LiveRates rates;
    private final Clock clock;
    private final StartedMoves startedMoves;
    private final Cooldown cooldown;
    private final ClusterModels models = new ClusterModels();
    private Current current;
    private long currentVersion;
    private long currentRateUpdates;
    private ProfileCatalog currentCatalog;
    /** The accelerators of the nodes being left in {@link #beingLeftOf} ({@link #closedIn}). */
    private Map<String, String> leftClosed = Map.of();
    private ClusterSnapshot beingLeftOf;

    ClusterReading(ClusterView view, Probations probations, LiveRates rates, Clock clock,
                   StartedMoves startedMoves, Cooldown cooldown) {
        this.view = view;
        this.probations = probations;
        this.catalog = probations::catalog;
        this.rates = rates;
        this.clock = clock;
        this.startedMoves = startedMoves;
        this.cooldown = cooldown;
    }

    ClusterSnapshot snapshot() {
        return view.snapshot();
    }

    /** One app as the cluster shows it now, without a whole snapshot where the view can. */
    Optional<RunningApp> app(String app) {
        return view.app(app);
    }

    ProfileCatalog catalog() {
        return catalog.get();
    }

    /** The app's backend memory as the cluster measures it, where it does ({@link ClusterView#residentMemoryMb}). */
    java.util.OptionalDouble residentMemoryMb(String app) {
        return view.residentMemoryMb(app);
    }

    /** The apps on probation, and the catalog without their provisional profiles. */
    Probations probations() {
        return probations;
    }

    LiveRates rates() {
        return rates;
    }

    long nowMs() {
        return clock.millis();
    }

    StartedMoves startedMoves() {
        return startedMoves;
    }

    Cooldown cooldown() {
        return cooldown;
    }

    ClusterModel model(ClusterSnapshot snapshot) {
        return models.of(snapshot, catalog.get(), rates);
    }

    /** The cluster as a snapshot shows it, and the planner's working copy of it. */
    record Current(ClusterSnapshot snapshot, Placement placement) {
    }

    /**
     * The cluster now and the planner's working copy of it, kept while the view, the learned rates
     * and the catalog say nothing changed — an alert's answer costs reading and modelling 10,000 apps
     * otherwise. A planner given the copy leaves it as it found it; one that fails drops it
     * ({@link #forgetCurrent}). Always read afresh from a view that cannot tell its version.
     */
    Current current() {
        long version = view.version(); // counted before reading: a change meanwhile is read next time
        long rateUpdates = rates.updates();
        ProfileCatalog now = catalog.get();
        if (version < 0 || current == null || version != currentVersion || rateUpdates != currentRateUpdates
                || now != currentCatalog) {
            ClusterSnapshot snapshot = view.snapshot();
            // Where only apps' places changed (an answer's own move), the copy follows them in place.
            boolean followed = current != null && version >= 0 && now == currentCatalog
                    && models.update(current.snapshot(), snapshot, now, rates, rateUpdates == currentRateUpdates,
                    current.placement());
            current = new Current(snapshot, followed ? current.placement() : Placement.of(models.of(snapshot, now, rates)));
            currentVersion = version;
            currentRateUpdates = rateUpdates;
            currentCatalog = now;
        }
        return current;
    }

    /** Drops the kept working copy (a planner failed while it had it). */
    void forgetCurrent() {
        current = null;
    }

    /** What of the cluster may give an app room ({@link ClusterShape}). */
    ClusterShape shapeOf(ClusterSnapshot snapshot) {
        return ClusterShape.of(snapshot, catalog.get());
    }

    /**
     * The accelerators no app is placed on or moved to now, nor made room on, each with why: those
     * on a node a move under way is leaving ({@link #beingLeft}) and those a move failed to reach
     * ({@link StartedMoves}). Apps may still move off them.
     */
    Map<String, String> closed(ClusterSnapshot snapshot) {
        return closed(failedTargets(snapshot), snapshot);
    }

    static Map<String, String> closed(Map<String, String> failedTargets, ClusterSnapshot snapshot) {
        Map<String, String> closed = new TreeMap<>(failedTargets);
        closed.putAll(beingLeft(snapshot));
        return closed;
    }

    /**
     * As {@link #closed(Map, ClusterSnapshot)}, with the nodes being left kept while the snapshot is
     * the same one: a burst of alerts is answered on one snapshot, and reading every app and
     * accelerator of 10,000 for each answer was garbage that paused it.
     */
    Map<String, String> closedIn(Map<String, String> failedTargets, ClusterSnapshot snapshot) {
        if (snapshot != beingLeftOf) {
            leftClosed = Map.copyOf(beingLeft(snapshot));
            beingLeftOf = snapshot;
        }
        Map<String, String> closed = new TreeMap<>(failedTargets);
        closed.putAll(leftClosed);
        return closed;
    }

    /**
     * The accelerators a move failed to reach within {@link StartedMoves#HOLD}, and those an app
     * learns its model's profile on alone ({@link Probations}), each with why.
     */
    Map<String, String> failedTargets(ClusterSnapshot snapshot) {
        startedMoves.observe(snapshot, clock.millis());
        return held(startedMoves.closedTargets(clock.millis()));
    }

    /** {@code failedTargets} and the probation accelerators, each with why it takes no app now. */
    Map<String, String> held(Map<String, String> failedTargets) {
        Map<String, String> onProbation = probations.closed();
        if (onProbation.isEmpty()) {
            return failedTargets;
        }
        Map<String, String> held = new HashMap<>(failedTargets);
        held.putAll(onProbation);
        return held;
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
                unavailable.put(accelerator.id(), beingLeftReason(accelerator.node()));
            }
        }
        return unavailable;
    }

    /** Each accelerator's node. */
    static Map<String, String> nodesOf(ClusterSnapshot snapshot) {
        Map<String, String> nodes = new HashMap<>();
        snapshot.accelerators().forEach(a -> nodes.put(a.id(), a.node()));
        return nodes;
    }

    static String beingLeftReason(String node) {
        return "node " + node + " is being left by a move under way";
    }

    /** Apps a plan must not move: pinned by their owners, on probation, already moving, or moved within the cooldown. */
    Set<String> immovable(ClusterSnapshot snapshot) {
        Set<String> apps = new HashSet<>();
        for (RunningApp app : snapshot.apps()) {
            if (immovable(app)) {
                apps.add(app.app());
            }
        }
        return apps;
    }

    boolean immovable(RunningApp app) {
        return app.spec().pinned() || app.moving() || !cooldown.allows(app.app()) || probations.holds(app.app());
    }

    /** The cluster as {@code snapshot} shows it, for a pass to decide on and change in place ({@link WorkingCluster}). */
    WorkingCluster working(ClusterSnapshot snapshot) {
        ProfileCatalog now = catalog.get();
        return new WorkingCluster(snapshot, now, models.of(snapshot, now, rates), failedTargets(snapshot), cooldown,
                this::immovable);
    }
}
