package dev.perch.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Room for a new app that no device takes as the cluster stands, made by moving a few placed apps:
 * first the cheapest single eviction — a device where the new app fits once one of its apps leaves,
 * and a device where that app fits in turn — that adds the least utilisation all told; else an exact
 * re-placement of a few devices' apps together ({@link Repacker}). Either way only if the utilisation
 * added is at most {@link #MAX_ROOM_COST} of one device — and, for a running cluster, only in an
 * order of moves where every step keeps every SLO that held (make-before-break: each moved app's
 * target takes it, with what already runs there, before the new app starts).
 *
 * <p>The bound is there because making room is not free: the evicted app often lands where it costs
 * more (an Inception-V3 app moved off a GPU costs an Edge TPU more than twice the capacity), and a
 * planner that accepts any eviction trades one app now for several later. 0.3 is about what one
 * app of the profiled mix uses at the scenarios' rates (docs/decisions/0005-room-cost.md).
 *
 * <p>The search is bounded — at most {@link #MAX_ROOM_TRIALS} trial evictions per app, smallest
 * evicted apps first, then the repacker's own bounds — so an offer to a full cluster of a thousand
 * devices stays quick. It serves the controller's placement of new apps ({@link MigrationPlanner#admit}).
 */
final class RoomSearch {
    static final double MAX_ROOM_COST = 0.3;
    static final int MAX_ROOM_TRIALS = 16;

    /** One placed app's move, from where it runs now. */
    record Relocation(String app, String from, String to) {
    }

    /** The device for the new app, after the moves, in the order to make them. */
    record Room(String device, List<Relocation> moves) {
        Room {
            moves = List.copyOf(moves);
        }
    }

    private final DeviceEvaluator evaluator;
    private final TargetSelector selector;
    private final Repacker repacker;

    RoomSearch(DeviceEvaluator evaluator) {
        this.evaluator = evaluator;
        this.selector = new TargetSelector(evaluator);
        this.repacker = new Repacker(evaluator);
    }

    /**
     * Room for {@code app} (placed nowhere) that moves none of {@code immovable} and places nothing on
     * a device of {@code closed}; {@code placement} is left as it was. Empty when no room is found
     * within the bounds. Only room whose moves can be made one after the other without breaking an
     * SLO that held — what a running cluster needs: two apps that would have to trade places (a
     * ResNet-34 and a ResNet-50 swapping Jetsons, where neither node's memory holds both for the
     * moment a move overlaps) are not room.
     */
    Optional<Room> find(Placement placement, String app, Set<String> immovable, Set<String> closed) {
        Optional<Room> single = cheapestEviction(placement, app, immovable, closed);
        if (single.isPresent()) {
            return single;
        }
        return repacker.repack(placement, app, MAX_ROOM_COST, immovable, closed)
                .map(repack -> new Room(repack.device(), repack.moves()));
    }

    /** Why {@link #find} found nothing, for a rejection's reason. */
    static String noRoomReason() {
        return "nor does moving placed apps (one anywhere, or up to " + Repacker.MAX_MOVES + " among "
                + Repacker.NEIGHBOURHOOD + " devices) at a cost of at most " + MAX_ROOM_COST + " of a device";
    }

    private Optional<Room> cheapestEviction(Placement placement, String app, Set<String> immovable, Set<String> closed) {
        AppDemand demand = placement.app(app);
        double cap = evaluator.policy().maxUtilization();
        record Trial(Device device, AppDemand evicted, double evictedLoad) {
        }
        Comparator<Trial> smallestFirst = Comparator.comparingDouble(Trial::evictedLoad)
                .thenComparing(t -> t.device().id()).thenComparing(t -> t.evicted().app());
        // Only the MAX_ROOM_TRIALS smallest are tried: keep those, not a sorted list of every pair.
        PriorityQueue<Trial> smallest = new PriorityQueue<>(smallestFirst.reversed());
        for (Device device : placement.devices()) {
            if (demand.profileOn(device.type()).isEmpty() || closed.contains(device.id())) {
                continue;
            }
            double load = placement.serviceLoad(device.id()) + Placement.serviceLoadOf(demand, device.type());
            for (AppDemand there : placement.appsOn(device.id())) {
                double evictedLoad = Placement.serviceLoadOf(there, device.type());
                if (load - evictedLoad > cap) {
                    continue;
                }
                // A pair the kept trials already beat would be added and polled straight back out:
                // skip it before asking whether the app may move, a lookup per app on the cluster
                // that a full cluster's passes otherwise make for every unplaced app, every pass.
                Trial worstKept = smallest.size() == MAX_ROOM_TRIALS ? smallest.peek() : null;
                if (worstKept != null && evictedLoad > worstKept.evictedLoad()) {
                    continue;
                }
                Trial trial = new Trial(device, there, evictedLoad);
                if (worstKept != null && smallestFirst.compare(trial, worstKept) > 0) {
                    continue;
                }
                if (!immovable.contains(there.app())) {
                    smallest.add(trial);
                    if (smallest.size() > MAX_ROOM_TRIALS) {
                        smallest.poll();
                    }
                }
            }
        }
        List<Trial> trials = new ArrayList<>(smallest);
        trials.sort(smallestFirst);
        Room best = null;
        double bestAdded = Double.POSITIVE_INFINITY;
        for (Trial trial : trials) {
            Device device = trial.device();
            String evicted = trial.evicted().app();
            double withEvicted = evaluator.utilizationWith(placement, device, null);
            placement.assign(evicted, null);
            try {
                if (!evaluator.mayFit(placement, device, demand) || !selector.fitsWith(placement, app, device.id()).feasible()) {
                    continue;
                }
                double added = evaluator.utilizationWith(placement, device, demand) - withEvicted;
                // The target is chosen with the new app in place, so that it is never the device
                // being freed; its feasibility does not depend on the new app.
                placement.assign(app, device.id());
                Set<String> notThere = new java.util.HashSet<>(closed);
                notThere.add(device.id());
                Optional<String> elsewhere = selector.placeTarget(placement, evicted, notThere);
                placement.assign(app, null);
                if (elsewhere.isEmpty()) {
                    continue;
                }
                Device target = placement.device(elsewhere.get());
                added += evaluator.utilizationWith(placement, target, trial.evicted())
                        - evaluator.utilizationWith(placement, target, null);
                if (added <= MAX_ROOM_COST && added < bestAdded) {
                    bestAdded = added;
                    best = new Room(device.id(), List.of(new Relocation(evicted, device.id(), target.id())));
                }
            } finally {
                placement.assign(evicted, device.id());
            }
        }
        return Optional.ofNullable(best);
    }
}
