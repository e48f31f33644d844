package dev.perch.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Perch's planner as a strategy. A new app goes where, by Perch's models (mean and tail), it and
 * every app already there meet their SLOs, at the least added utilisation
 * ({@link TargetSelector#placeTarget}). When no device has room, it makes room by moving one placed
 * app: the eviction — a device where the new app fits once one of its apps leaves, and a device
 * where that app fits in turn — that adds the least utilisation all told, and only if that is at most
 * {@link #MAX_ROOM_COST} of one device. Each such move is counted.
 *
 * <p>The bound is there because making room is not free: the evicted app often lands where it costs
 * more (an Inception-V3 app moved off a GPU costs an Edge TPU more than twice the capacity), and a
 * planner that accepts any eviction trades one app now for several later. 0.3 is about what one
 * app of the profiled mix uses at the scenarios' rates; on the shipped mixed scenario, seeds 1–10,
 * 0.25 and 0.3 both keep Perch at or above every baseline, 0.2 and 0.35 miss by one app on one seed
 * (see loadtests/README.md).
 *
 * <p>The search for room is bounded — at most {@link #MAX_ROOM_TRIALS} trial evictions per offer,
 * smallest evicted apps first — so an offer to a full cluster of a thousand devices stays quick.
 */
public final class PerchStrategy implements Strategy.Online {
    static final double MAX_ROOM_COST = 0.3;
    static final int MAX_ROOM_TRIALS = 16;

    private final TargetSelector selector;
    private final DeviceEvaluator evaluator;
    private final Repacker repacker;

    public PerchStrategy(PlacementPolicy policy) {
        this.evaluator = new DeviceEvaluator(policy);
        this.selector = new TargetSelector(evaluator);
        this.repacker = new Repacker(evaluator);
    }

    @Override
    public String name() {
        return "perch";
    }

    @Override
    public Offer offer(Placement placement, String app) {
        Optional<String> target = selector.placeTarget(placement, app, Set.of());
        if (target.isPresent()) {
            placement.assign(app, target.get());
            return new Offer.Placed(target.get(), List.of());
        }
        Optional<Eviction> room = cheapestRoom(placement, app);
        if (room.isPresent()) {
            Eviction eviction = room.get();
            placement.assign(eviction.evicted(), null);
            placement.assign(app, eviction.device());
            placement.assign(eviction.evicted(), eviction.target());
            return new Offer.Placed(eviction.device(), List.of(eviction.evicted()));
        }
        Optional<Repacker.Repack> repack = repacker.repack(placement, app, MAX_ROOM_COST);
        if (repack.isPresent()) {
            Map<String, String> moved = new TreeMap<>(repack.get().moved());
            moved.keySet().forEach(a -> placement.assign(a, null));
            placement.assign(app, repack.get().device());
            moved.forEach(placement::assign);
            return new Offer.Placed(repack.get().device(), List.copyOf(moved.keySet()));
        }
        return new Offer.Rejected("no device keeps every SLO with " + app + ", nor does moving placed apps (one anywhere,"
                + " or up to " + Repacker.MAX_MOVES + " among " + Repacker.NEIGHBOURHOOD + " devices) at a cost of at most "
                + MAX_ROOM_COST + " of a device");
    }

    /** Room for a new app on {@code device} by moving {@code evicted} to {@code target}, at a net added utilisation. */
    private record Eviction(String device, String evicted, String target, double addedUtilization) {
    }

    private Optional<Eviction> cheapestRoom(Placement placement, String app) {
        AppDemand demand = placement.app(app);
        double cap = evaluator.policy().maxUtilization();
        record Trial(Device device, AppDemand evicted, double evictedLoad) {
        }
        Comparator<Trial> smallestFirst = Comparator.comparingDouble(Trial::evictedLoad)
                .thenComparing(t -> t.device().id()).thenComparing(t -> t.evicted().app());
        // Only the MAX_ROOM_TRIALS smallest are tried: keep those, not a sorted list of every pair.
        PriorityQueue<Trial> smallest = new PriorityQueue<>(smallestFirst.reversed());
        for (Device device : placement.devices()) {
            if (demand.profileOn(device.type()).isEmpty()) {
                continue;
            }
            double load = placement.serviceLoad(device.id()) + Placement.serviceLoadOf(demand, device.type());
            for (AppDemand there : placement.appsOn(device.id())) {
                double evictedLoad = Placement.serviceLoadOf(there, device.type());
                if (load - evictedLoad <= cap) {
                    smallest.add(new Trial(device, there, evictedLoad));
                    if (smallest.size() > MAX_ROOM_TRIALS) {
                        smallest.poll();
                    }
                }
            }
        }
        List<Trial> trials = new ArrayList<>(smallest);
        trials.sort(smallestFirst);
        Eviction best = null;
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
                placement.assign(app, device.id());
                Optional<String> elsewhere = selector.placeTarget(placement, evicted, Set.of(device.id()));
                placement.assign(app, null);
                if (elsewhere.isEmpty()) {
                    continue;
                }
                Device target = placement.device(elsewhere.get());
                added += evaluator.utilizationWith(placement, target, trial.evicted())
                        - evaluator.utilizationWith(placement, target, null);
                if (added <= MAX_ROOM_COST && (best == null || added < best.addedUtilization())) {
                    best = new Eviction(device.id(), evicted, target.id(), added);
                }
            } finally {
                placement.assign(evicted, device.id());
            }
        }
        return Optional.ofNullable(best);
    }
}
