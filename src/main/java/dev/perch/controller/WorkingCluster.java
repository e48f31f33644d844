package dev.perch.controller;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.PlanStep;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.placement.ClusterModel;
import dev.perch.placement.Placement;

import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The cluster as one pass over unplaced apps decides on it: read once when the pass begins, then
 * changed in place by every step the {@link PlanExecutor} applies while the pass runs — its own
 * placements and room-making moves, and the moves of an alert answered between two of its apps —
 * as the cluster would show them: a placed app on its accelerator; a moving app counted on its
 * target, still holding its source, whose node is closed until the move is over
 * ({@link ClusterReading#closed}); an app acted on in its cooldown. Reading the cluster and
 * building the planner's model afresh for each app cost 5 ms a decision at 10,000 apps.
 *
 * <p>What the pass does not make happen — a move landing or failing (and so a target closed), an
 * app or a node added or deleted, a new catalog, a newly learned rate — the next pass sees, seconds
 * later, where before the next decision saw it. A step it cannot mirror (a removal, an app it does
 * not know) marks it {@link #stale}: the pass reads the cluster again.
 *
 * <p>Not thread-safe: used under the {@link Reconciler}'s lock.
 */
final class WorkingCluster {
    private final ClusterSnapshot first;
    private final ProfileCatalog catalog;
    private final Map<String, RunningApp> apps = new HashMap<>();
    private final Map<String, Accelerator> accelerators = new HashMap<>();
    private final Map<String, List<String>> acceleratorsOfNode = new HashMap<>();
    private final Placement placement;
    private final Map<String, String> closed;
    private final Set<String> immovable;
    private ClusterShape shape;
    private boolean stale;
    private final Cooldown cooldown;
    private final PassRefusals refusals = new PassRefusals();
    /** Until when no app of the cluster can be moved to make room (see {@link PassRefusals}). */
    private final long noneMovableUntilMs;

    WorkingCluster(ClusterSnapshot first, ProfileCatalog catalog, ClusterModel model, Map<String, String> failedTargets,
                   Cooldown cooldown, Predicate<RunningApp> immovable) {
        this.first = first;
        this.catalog = catalog;
        first.apps().forEach(app -> apps.put(app.app(), app));
        for (Accelerator accelerator : first.accelerators()) {
            accelerators.put(accelerator.id(), accelerator);
            acceleratorsOfNode.computeIfAbsent(accelerator.node(), n -> new ArrayList<>()).add(accelerator.id());
        }
        this.placement = Placement.of(model);
        this.closed = new HashMap<>(ClusterReading.closed(failedTargets, first)); // asked of every device: hashed
        this.immovable = new Immovable(apps, immovable);
        this.shape = ClusterShape.of(first, catalog);
        this.cooldown = cooldown;
        this.noneMovableUntilMs = noneMovableUntilMs(first, cooldown);
    }

    /**
     * Until when no app can be moved: the first moment an app placed now leaves its cooldown (pinned
     * and moving ones never do within a pass), and at the latest one cooldown after now, when the apps
     * this pass places or moves may be moved again.
     */
    private static long noneMovableUntilMs(ClusterSnapshot first, Cooldown cooldown) {
        long until = cooldown.nowMs() + cooldown.period().toMillis();
        for (RunningApp app : first.apps()) {
            if (app.accelerator().isPresent() && !app.spec().pinned() && !app.moving()) {
                until = Math.min(until, cooldown.allowsFromMs(app.app()));
            }
        }
        return until;
    }

    /** The cluster as the pass began. */
    ClusterSnapshot first() {
        return first;
    }

    /** The catalog the pass decides with. */
    ProfileCatalog catalog() {
        return catalog;
    }

    /** An app as the cluster shows it now, by this pass's knowledge. */
    Optional<RunningApp> app(String app) {
        return Optional.ofNullable(apps.get(app));
    }

    Optional<Accelerator> accelerator(String id) {
        return Optional.ofNullable(accelerators.get(id));
    }

    /** The planner's working copy; a planner leaves it as it found it, and only applied steps change it. */
    Placement placement() {
        return placement;
    }

    /** The accelerators no app is placed on or moved to now, each with why ({@link ClusterReading#closed}). */
    Map<String, String> closed() {
        return closed;
    }

    /** Closes {@code accelerator} to the rest of the pass: a probation began there, or it is being emptied for one. */
    void close(String accelerator, String why) {
        closed.put(accelerator, why);
    }

    /** The apps no plan may move: pinned, moving, or in their cooldown (asked as decided). */
    Set<String> immovable() {
        return immovable;
    }

    ClusterShape shape() {
        return shape;
    }

    /** Whether a step it could not mirror was applied: the pass must read the cluster again. */
    boolean stale() {
        return stale;
    }

    /**
     * An app this pass refused that asked no more than {@code app} does, while nothing has freed
     * room since and no app can be moved to make some ({@link PassRefusals}): then {@code app} finds
     * no room either.
     */
    Optional<String> refusedAsking(String app) {
        if (cooldown.nowMs() >= noneMovableUntilMs) {
            return Optional.empty();
        }
        return refusals.asking(placement.app(app), shape).map(refusal -> refusal.demand().app());
    }

    /** No accelerator took {@code app}, nor room made for it. */
    void refused(String app) {
        refusals.refused(placement.app(app), shape);
    }

    /** A step the executor applied (not a dry run's, not a failed one): what the cluster now shows. */
    void applied(PlanStep step) {
        RunningApp app = apps.get(step.app());
        if (app == null) {
            stale = true; // an app that appeared after the pass began
            return;
        }
        if (step instanceof PlanStep.Place place) {
            apps.put(app.app(), new RunningApp(app.spec(), Optional.of(place.accelerator()), app.migratingTo(),
                    app.migratingFrom(), app.telemetry()));
            placement.assign(app.app(), place.accelerator());
            shape = shape.holding(place.accelerator(), app.app());
        } else if (step instanceof PlanStep.Move move) {
            apps.put(app.app(), new RunningApp(app.spec(), app.accelerator(), Optional.of(move.to()),
                    Optional.of(move.from()), app.telemetry()));
            placement.assign(app.app(), move.to()); // the planner counts a moving app on its target
            shape = shape.holding(move.from(), app.app()).holding(move.to(), app.app());
            Optional.ofNullable(accelerators.get(move.from())).ifPresent(source -> {
                for (String id : acceleratorsOfNode.get(source.node())) {
                    closed.put(id, ClusterReading.beingLeftReason(source.node()));
                }
            });
        } else {
            stale = true;
        }
    }

    /** Membership asked of the apps as they are now: the planner only asks whether an app is one. */
    private static final class Immovable extends AbstractSet<String> {
        private final Map<String, RunningApp> apps;
        private final Predicate<RunningApp> immovable;

        Immovable(Map<String, RunningApp> apps, Predicate<RunningApp> immovable) {
            this.apps = apps;
            this.immovable = immovable;
        }

        @Override
        public boolean contains(Object o) {
            RunningApp app = o instanceof String id ? apps.get(id) : null;
            return app != null && immovable.test(app);
        }

        @Override
        public Iterator<String> iterator() {
            return apps.keySet().stream().filter(this::contains).iterator();
        }

        @Override
        public int size() {
            return (int) apps.keySet().stream().filter(this::contains).count();
        }
    }
}
