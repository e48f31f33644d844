package dev.perch.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Plans migrations from the current placement and new demands — an app's rate rose, a device was
 * lost — to the fewest moves that bring every app back within its SLO, and consolidates when load
 * drops. Pure: it returns a {@link MigrationPlan}; the controller acts on it.
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
 *   else a few placed apps make room for it ({@link RoomSearch}, as {@code evaluate}'s Perch does),
 *   moved only in an order where each step keeps every SLO. An app that only Edge TPUs can run and
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

    /**
     * Where a new app — placed nowhere yet — goes: a plan whose last action places it. When no device
     * takes it as the cluster stands, the plan first moves a few placed apps (never one of
     * {@code immovable}, at most the move budget) to make room, each move to a device that takes it
     * with what runs there at that step. Empty, with the reason, when there is no such room, or when
     * the app fits but is turned away to keep Edge TPU time for smaller apps ({@link EdgeTpuReserve}).
     */
    public MigrationPlan admit(ClusterModel current, String app, Set<String> immovable) {
        return admit(current, app, immovable, Set.of());
    }

    /**
     * Why a new app that fits is turned away all the same — it can run only on Edge TPUs and would
     * take too large a share of their time left ({@link EdgeTpuReserve}) — or empty. {@link #admission}
     * asks this itself; a caller that finds the app a device by {@link TargetSelector#place} asks it
     * here. Devices of {@code closed} take no app now, so their time does not count as left.
     */
    public Optional<String> turnedAway(ClusterModel current, String app, Set<String> closed) {
        return reserve.refusal(current, app, closed);
    }

    /**
     * As {@link #admit(ClusterModel, String, Set)}, with no app placed on or moved to a device of
     * {@code closed} (a running cluster's devices on a node a move under way is leaving).
     */
    public MigrationPlan admit(ClusterModel current, String app, Set<String> immovable, Set<String> closed) {
        return admission(current, app, immovable, closed).plan();
    }

    /**
     * What {@link #admit(ClusterModel, String, Set, Set)} decided: its plan, and, when the plan is empty
     * because the app fits but was turned away ({@link EdgeTpuReserve}), why — so that a caller tells
     * that apart from finding no room without reading the plan's reasons.
     */
    public record Admission(MigrationPlan plan, Optional<String> turnedAway) {
    }

    /** As {@link #admit(ClusterModel, String, Set, Set)}, saying whether the app was turned away. */
    public Admission admission(ClusterModel current, String app, Set<String> immovable, Set<String> closed) {
        Placement placement = Placement.of(current);
        if (placement.deviceOf(app).isPresent()) {
            throw new IllegalArgumentException("app " + app + " is already placed");
        }
        Optional<String> to = selector.placeTarget(placement, app, closed);
        Optional<RoomSearch.Room> room = to.isPresent() ? Optional.empty() : rooms.find(placement, app, immovable, closed, true);
        if (to.isEmpty() && room.isEmpty()) {
            return refused(app + ": no device keeps every SLO with it, " + RoomSearch.noRoomReason());
        }
        // Asked only of an app that fits, so that one that fits nowhere is told that.
        Optional<String> refusal = reserve.refusal(placement, app, closed);
        if (refusal.isPresent()) {
            return new Admission(new MigrationPlan(List.of(), List.of(app + ": " + refusal.get())), refusal);
        }
        List<MigrationPlan.Action> actions = new ArrayList<>();
        String why = "new app";
        if (room.isPresent()) {
            if (room.get().moves().size() > moveBudget) {
                return refused(app + ": room for it takes " + room.get().moves().size() + " moves, over the move budget of "
                        + moveBudget);
            }
            to = Optional.of(room.get().device());
            why = "new app, after " + room.get().moves().size() + " move(s) made room on " + to.get();
            for (RoomSearch.Relocation relocation : room.get().moves()) {
                actions.add(move(placement, relocation.app(), relocation.to(), "making room for new app " + app + " on "
                        + room.get().device()));
            }
        }
        DeviceVerdict before = evaluator.evaluate(placement, to.get());
        placement.assign(app, to.get());
        actions.add(new MigrationPlan.Action.Place(app, to.get(), why, before, evaluator.evaluate(placement, to.get())));
        return new Admission(new MigrationPlan(actions, List.of()), Optional.empty());
    }

    /** No plan for a new app, for a reason other than being turned away. */
    private static Admission refused(String why) {
        return new Admission(new MigrationPlan(List.of(), List.of(why)), Optional.empty());
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
        List<MigrationPlan.Action> actions = new ArrayList<>();
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
            actions.add(new MigrationPlan.Action.Place(app, to.get(), "its device " + current.assignment().get(app)
                    + " was lost", before, evaluator.evaluate(placement, to.get())));
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
        Placement placement = Placement.of(current);
        List<MigrationPlan.Action> actions = new ArrayList<>();
        List<String> unresolved = new ArrayList<>();
        relieve(placement, placement.device(deviceId), immovable, closed, actions, unresolved);
        return new MigrationPlan(actions, unresolved);
    }

    private void relieve(Placement placement, Device device, Set<String> immovable, Set<String> closed,
                         List<MigrationPlan.Action> actions, List<String> unresolved) {
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
        List<MigrationPlan.Action> actions = new ArrayList<>();
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
            Map<String, String> targets = new HashMap<>();
            for (String app : apps) {
                placement.assign(app, null);
                Optional<String> to = selector.placeTarget(placement, app, excludedIdle(placement, excluded));
                if (to.isEmpty()) {
                    break;
                }
                placement.assign(app, to.get());
                targets.put(app, to.get());
            }
            apps.forEach(app -> placement.assign(app, device.id())); // back, then replayed as actions
            if (targets.size() < apps.size()) {
                continue;
            }
            for (String app : apps) {
                actions.add(move(placement, app, targets.get(app), "consolidation: frees " + device.id()));
                receiving.add(targets.get(app));
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

    private MigrationPlan.Action move(Placement placement, String app, String to, String reason) {
        String from = placement.deviceOf(app).orElseThrow();
        DeviceVerdict sourceBefore = evaluator.evaluate(placement, from);
        DeviceVerdict targetBefore = evaluator.evaluate(placement, to);
        placement.assign(app, to);
        return new MigrationPlan.Action.Move(app, from, to, reason, sourceBefore, evaluator.evaluate(placement, from),
                targetBefore, evaluator.evaluate(placement, to));
    }
}
