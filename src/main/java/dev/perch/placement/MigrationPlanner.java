package dev.perch.placement;

import dev.perch.cluster.PlanStep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Plans migrations from the current placement and new demands — an app's rate rose, a device was
 * lost — to the fewest moves that bring every app back within its SLO, and consolidates when load
 * drops. Pure: it returns a {@link MigrationPlan}; the controller's executor carries it out.
 *
 * <ul>
 *   <li><b>restore</b>: apps of lost devices are placed first; then each device that breaks the
 *   hard constraints is relieved by one move when one move can do it — the smallest app whose
 *   leaving makes the device feasible, to the device where it keeps the most SLO slack — else by
 *   moving its heaviest app out and trying again. Any feasible device is a target, not only idle
 *   ones.</li>
 *   <li><b>relieve</b>: the same for one device only — what the controller asks when an app at risk
 *   on it has nowhere to go itself — leaving alone the apps it must not move (pinned by their
 *   owners).</li>
 *   <li><b>admit</b>: a new app goes where it fits as things stand ({@link TargetSelector#placeTarget});
 *   else a few placed apps make room for it ({@link RoomSearch}), moved only in an order where
 *   each step keeps every SLO. The controller admits every new app through it, and {@code evaluate}'s
 *   {@code perch} is that controller. An app that only Edge TPUs can run and
 *   that would take a large share of their time left is turned away ({@link EdgeTpuReserve}).</li>
 *   <li><b>consolidate</b>: the least loaded devices are emptied, one at a time, when every app on
 *   one fits elsewhere; a device is emptied whole or not at all.</li>
 * </ul>
 * Every move goes to a device that meets every SLO with the app on it, and only takes load off its
 * source, so in the order given no step breaks an SLO that held before it (make-before-break: the
 * target is ready before the source is released). At most {@code moveBudget} actions per plan.
 */
public final class MigrationPlanner {
    private final DeviceEvaluator evaluator;
    private final TargetSelector selector;
    private final RoomSearch rooms;
    private final EdgeTpuReserve reserve;
    private final int moveBudget;

    public MigrationPlanner(PlacementPolicy policy, int moveBudget) {
        if (moveBudget < 0) {
            throw new IllegalArgumentException("moveBudget must be >= 0, got " + moveBudget);
        }
        this.evaluator = new DeviceEvaluator(policy);
        this.selector = new TargetSelector(evaluator);
        this.rooms = new RoomSearch(evaluator);
        this.reserve = new EdgeTpuReserve(policy);
        this.moveBudget = moveBudget;
    }

    /** What {@link #admit} decided for a new app. */
    public sealed interface Admission {
        /** Admitted: the plan's last step places the app; any steps before it move placed apps to make its room. */
        record Admitted(MigrationPlan plan) implements Admission {
        }

        /** It fits, but is turned away to keep Edge TPU time for smaller apps ({@link EdgeTpuReserve}). */
        record TurnedAway(String reason) implements Admission {
        }

        /** No accelerator takes it, as things stand or once room is made within the bounds; {@code reason} says each one's reason. */
        record NoRoom(String reason) implements Admission {
        }
    }

    /**
     * Where a new app — placed nowhere yet — goes: the accelerator that takes it as the cluster
     * stands ({@link TargetSelector#placeTarget}); else the room a few placed apps make for it
     * ({@link RoomSearch}: never one of {@code immovable}, at most the move budget, each move to an
     * accelerator that takes it with what runs there at that step). No app is placed on or moved to
     * an accelerator of {@code closed} (id to why it takes no app now). An app that fits is still
     * turned away when it would take too large a share of the Edge TPU time left
     * ({@link EdgeTpuReserve}) — asked only of an app that fits, so that one that fits nowhere is told that.
     */
    public Admission admit(ClusterModel current, String app, Set<String> immovable, Map<String, String> closed) {
        return admit(Placement.of(current), app, immovable, closed);
    }

    /**
     * As {@link #admit(ClusterModel, String, Set, Map)}, on a working copy of the cluster that it
     * leaves as it found it: the controller's pass over unplaced apps keeps one for all of them,
     * and changes it only by the steps it applies.
     */
    public Admission admit(Placement placement, String app, Set<String> immovable, Map<String, String> closed) {
        return admit(placement, app, immovable, closed, null);
    }

    /**
     * As {@link #admit(Placement, String, Set, Map)}, but with room not looked for when
     * {@code whyNoMoves} says why no move may start now (null: it may): a plan that moved an app
     * would be held, so the search (moves of placed apps across the cluster) would buy nothing.
     */
    public Admission admit(Placement placement, String app, Set<String> immovable, Map<String, String> closed,
                           String whyNoMoves) {
        List<PlannedStep> steps = new ArrayList<>();
        try {
            return admitting(placement, app, immovable, closed, whyNoMoves, steps);
        } finally {
            for (int i = steps.size() - 1; i >= 0; i--) {
                PlannedStep step = steps.get(i);
                placement.assign(step.app(), step.from().orElse(null));
            }
        }
    }

    /**
     * Why no accelerator of the cluster could ever take {@code app}: its model has a profile for none
     * of their types, so nothing predicts its latency anywhere — said as such, rather than as an SLO
     * no device keeps, and without moving placed apps for it.
     */
    private static Optional<String> unprofiledReason(Placement placement, String app) {
        AppDemand demand = placement.app(app);
        if (placement.devices().isEmpty()) {
            return Optional.empty(); // no accelerator at all: the selector's reason says so
        }
        SortedSet<String> types = new TreeSet<>();
        for (Device device : placement.devices()) {
            if (demand.profileOn(device.type()).isPresent()) {
                return Optional.empty();
            }
            types.add(device.type().id());
        }
        return Optional.of("no profile of " + demand.model() + " in Perch's catalog for any accelerator type of the cluster ("
                + String.join(", ", types) + "): nothing predicts its latency, so it waits for one");
    }

    /** The admission, each step of {@code steps} applied to {@code placement} as it is planned. */
    private Admission admitting(Placement placement, String app, Set<String> immovable, Map<String, String> closed,
                                String whyNoMoves, List<PlannedStep> steps) {
        if (placement.deviceOf(app).isPresent()) {
            throw new IllegalArgumentException("app " + app + " is already placed");
        }
        Optional<String> unprofiled = unprofiledReason(placement, app);
        if (unprofiled.isPresent()) {
            return new Admission.NoRoom(unprofiled.get());
        }
        Optional<String> to = selector.placeTarget(placement, app, closed.keySet());
        if (to.isEmpty() && whyNoMoves != null) {
            return noRoom(placement, app, closed, "no device keeps every SLO with it as things stand, and no room is looked"
                    + " for while no move may start (" + whyNoMoves + ")");
        }
        Optional<RoomSearch.Room> room = to.isPresent() ? Optional.empty()
                : rooms.find(placement, app, immovable, closed.keySet());
        if (to.isEmpty() && room.isEmpty()) {
            return noRoom(placement, app, closed, "no device keeps every SLO with it, " + RoomSearch.noRoomReason());
        }
        Optional<String> refusal = reserve.refusal(placement, app, closed.keySet());
        if (refusal.isPresent()) {
            return new Admission.TurnedAway(refusal.get());
        }
        String why = "new app";
        if (room.isPresent()) {
            if (room.get().moves().size() > moveBudget) {
                return noRoom(placement, app, closed, "room for it takes " + room.get().moves().size()
                        + " moves, over the move budget of " + moveBudget);
            }
            to = Optional.of(room.get().device());
            why = "new app, after " + room.get().moves().size() + " move(s) made room on " + to.get();
            for (RoomSearch.Relocation relocation : room.get().moves()) {
                steps.add(move(placement, relocation.app(), relocation.to(), "making room for new app " + app + " on "
                        + room.get().device()));
            }
        }
        DeviceVerdict before = evaluator.evaluate(placement, to.get());
        placement.assign(app, to.get());
        steps.add(new PlannedStep(new PlanStep.Place(app, to.get()), why, null, null, before,
                evaluator.evaluate(placement, to.get())));
        return new Admission.Admitted(new MigrationPlan(List.copyOf(steps), List.of()));
    }

    /** No room for {@code app}: each accelerator's reason as things stand, then why no room was made for it. */
    private Admission noRoom(Placement placement, String app, Map<String, String> closed, String whyNoRoomMade) {
        return new Admission.NoRoom(selector.noTargetReason(placement, app, null, closed) + "; " + app + ": " + whyNoRoomMade);
    }

    /**
     * The fewest moves that bring every SLO back. Apps assigned to a device {@code current} no longer
     * lists were on a lost device and are placed again.
     */
    public MigrationPlan restore(ClusterModel current) {
        Set<String> known = new HashSet<>();
        current.devices().forEach(d -> known.add(d.id()));
        Map<String, String> surviving = new HashMap<>();
        List<String> orphans = new ArrayList<>();
        for (String app : current.apps().keySet()) {
            String device = current.assignment().get(app);
            if (device != null && known.contains(device)) {
                surviving.put(app, device);
            } else if (device != null) {
                orphans.add(app);
            }
        }
        Placement placement = Placement.of(new ClusterModel(current.networkMs(), current.hosts(), current.devices(),
                current.apps(), surviving));
        List<PlannedStep> actions = new ArrayList<>();
        List<String> unresolved = new ArrayList<>();
        for (String app : orphans) {
            if (actions.size() >= moveBudget) {
                unresolved.add(app + ": its device " + current.assignment().get(app) + " was lost; move budget spent");
                continue;
            }
            Optional<String> to = selector.placeTarget(placement, app, Set.of());
            if (to.isEmpty()) {
                unresolved.add(app + ": its device " + current.assignment().get(app) + " was lost; no device keeps every SLO with it");
                continue;
            }
            DeviceVerdict before = evaluator.evaluate(placement, to.get());
            placement.assign(app, to.get());
            actions.add(new PlannedStep(new PlanStep.Place(app, to.get()), "its device " + current.assignment().get(app)
                    + " was lost", null, null, before, evaluator.evaluate(placement, to.get())));
        }
        for (Device device : placement.devices()) {
            relieve(placement, device, Set.of(), Set.of(), actions, unresolved);
        }
        return new MigrationPlan(actions, unresolved);
    }

    /**
     * The fewest moves off {@code deviceId} that make it meet every constraint again, never moving an
     * app of {@code immovable}; empty when it already does.
     */
    public MigrationPlan relieve(ClusterModel current, String deviceId, Set<String> immovable) {
        return relieve(current, deviceId, immovable, Set.of());
    }

    /** As {@link #relieve(ClusterModel, String, Set)}, with no app moved to a device of {@code closed}. */
    public MigrationPlan relieve(ClusterModel current, String deviceId, Set<String> immovable, Set<String> closed) {
        return relieve(Placement.of(current), deviceId, immovable, closed);
    }

    /** As {@link #relieve(ClusterModel, String, Set, Set)}, on a working copy that it leaves as it found it. */
    public MigrationPlan relieve(Placement placement, String deviceId, Set<String> immovable, Set<String> closed) {
        List<PlannedStep> actions = new ArrayList<>();
        List<String> unresolved = new ArrayList<>();
        try {
            relieve(placement, placement.device(deviceId), immovable, closed, actions, unresolved);
        } finally {
            for (int i = actions.size() - 1; i >= 0; i--) {
                placement.assign(actions.get(i).app(), actions.get(i).from().orElse(null));
            }
        }
        return new MigrationPlan(actions, unresolved);
    }

    private void relieve(Placement placement, Device device, Set<String> immovable, Set<String> closed,
                         List<PlannedStep> actions, List<String> unresolved) {
        while (!evaluator.check(placement, device.id()).feasible()) {
            DeviceVerdict broken = evaluator.evaluate(placement, device.id());
            if (actions.size() >= moveBudget) {
                unresolved.add(device.id() + ": " + broken.reason() + "; move budget spent");
                return;
            }
            Optional<Eviction> eviction = oneMoveRelief(placement, device, immovable, closed)
                    .or(() -> heaviestOut(placement, device, immovable, closed));
            if (eviction.isEmpty()) {
                unresolved.add(device.id() + ": " + broken.reason() + "; no app on it fits elsewhere");
                return;
            }
            actions.add(move(placement, eviction.get().app(), eviction.get().to(), device.id() + " breaks a constraint: "
                    + broken.reason()));
        }
    }

    private record Eviction(String app, String to) {
    }

    /** The smallest app whose leaving makes the device feasible, with a target. */
    private Optional<Eviction> oneMoveRelief(Placement placement, Device device, Set<String> immovable, Set<String> closed) {
        List<AppDemand> apps = movable(placement, device, immovable);
        apps.sort(Comparator.comparingDouble((AppDemand a) -> Placement.serviceLoadOf(a, device.type())).thenComparing(AppDemand::app));
        for (AppDemand app : apps) {
            placement.assign(app.app(), null);
            boolean relieved = evaluator.check(placement, device.id()).feasible();
            placement.assign(app.app(), device.id());
            if (relieved) {
                Optional<String> to = selector.relocateTarget(placement, app.app(), closed);
                if (to.isPresent()) {
                    return Optional.of(new Eviction(app.app(), to.get()));
                }
            }
        }
        return Optional.empty();
    }

    /** No single move relieves the device: move its heaviest movable app out and try again. */
    private Optional<Eviction> heaviestOut(Placement placement, Device device, Set<String> immovable, Set<String> closed) {
        List<AppDemand> apps = movable(placement, device, immovable);
        apps.sort(Comparator.comparingDouble((AppDemand a) -> -Placement.serviceLoadOf(a, device.type())).thenComparing(AppDemand::app));
        for (AppDemand app : apps) {
            Optional<String> to = selector.relocateTarget(placement, app.app(), closed);
            if (to.isPresent()) {
                return Optional.of(new Eviction(app.app(), to.get()));
            }
        }
        return Optional.empty();
    }

    private static List<AppDemand> movable(Placement placement, Device device, Set<String> immovable) {
        List<AppDemand> apps = new ArrayList<>(placement.appsOn(device.id()));
        apps.removeIf(app -> immovable.contains(app.app()));
        return apps;
    }

    /**
     * Frees devices when load allows: least loaded first, a device is emptied when every app on it
     * fits on the devices that stay, within the move budget. A device that receives apps in the plan
     * is not emptied later in it, so no app moves twice.
     */
    public MigrationPlan consolidate(ClusterModel current) {
        return consolidate(current, Set.of());
    }

    /** As {@link #consolidate(ClusterModel)}, never emptying a device that runs an app of {@code immovable}. */
    public MigrationPlan consolidate(ClusterModel current, Set<String> immovable) {
        return consolidate(current, immovable, Set.of());
    }

    /** As {@link #consolidate(ClusterModel, Set)}, with no app moved to a device of {@code closed}. */
    public MigrationPlan consolidate(ClusterModel current, Set<String> immovable, Set<String> closed) {
        Placement placement = Placement.of(current);
        List<PlannedStep> actions = new ArrayList<>();
        Set<String> freed = new HashSet<>();
        Set<String> receiving = new HashSet<>();
        List<Device> byLoad = new ArrayList<>(placement.devices());
        byLoad.removeIf(d -> placement.appsOn(d.id()).isEmpty()
                || placement.appsOn(d.id()).stream().anyMatch(a -> immovable.contains(a.app())));
        Map<String, Double> load = new HashMap<>();
        byLoad.forEach(d -> load.put(d.id(), evaluator.utilizationWith(placement, d, null)));
        byLoad.sort(Comparator.comparingDouble((Device d) -> load.get(d.id())).thenComparing(Device::id));
        for (Device device : byLoad) {
            List<String> apps = placement.appsOn(device.id()).stream().map(AppDemand::app).toList();
            if (receiving.contains(device.id()) || actions.size() + apps.size() > moveBudget) {
                continue;
            }
            Set<String> excluded = new HashSet<>(freed);
            excluded.addAll(closed);
            excluded.add(device.id());
            Optional<Map<String, String>> targets = DeviceEmptying.targets(selector, placement, device,
                    excludedIdle(placement, excluded));
            if (targets.isEmpty()) {
                continue;
            }
            for (String app : apps) { // replayed as actions
                actions.add(move(placement, app, targets.get().get(app), "consolidation: frees " + device.id()));
                receiving.add(targets.get().get(app));
            }
            freed.add(device.id());
        }
        return new MigrationPlan(actions, List.of());
    }

    /** Devices a consolidating move must not use: those being freed, and every idle one (moving there frees nothing). */
    private static Set<String> excludedIdle(Placement placement, Set<String> excluded) {
        Set<String> result = new HashSet<>(excluded);
        for (Device device : placement.devices()) {
            if (placement.appsOn(device.id()).isEmpty()) {
                result.add(device.id());
            }
        }
        return result;
    }

    private PlannedStep move(Placement placement, String app, String to, String reason) {
        return DeviceEmptying.move(evaluator, placement, app, to, reason);
    }
}
