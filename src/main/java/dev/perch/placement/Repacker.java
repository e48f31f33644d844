package dev.perch.placement;

import dev.perch.model.profile.AcceleratorType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Makes room for a new app by re-placing the apps of a few devices together, exactly: a branch and
 * bound over the new app and every app on a neighbourhood of {@link #NEIGHBOURHOOD} devices — the
 * two least full that can run the new app, and the least full others — for the assignment with
 * the fewest moves (at most {@link #MAX_MOVES}) where every device meets its constraints, and the
 * utilisation added over the neighbourhood is within a bound — and, for a running cluster, whose
 * moves can be made one after the other without breaking an SLO ({@link #ordered}). Bounded by {@link #MAX_NODES} search
 * nodes, and skipped at once when the neighbourhood's memory or swap-free capacity cannot hold
 * the apps, so a full cluster does not make every rejection slow.
 */
final class Repacker {
    static final int NEIGHBOURHOOD = 4;
    static final int MAX_MOVES = 3;
    static final long MAX_NODES = 4_000;

    private final DeviceEvaluator evaluator;

    Repacker(DeviceEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    /** Where the new app goes, and the moves before it, in an order where each step keeps every SLO. */
    record Repack(String device, List<RoomSearch.Relocation> moves) {
    }

    /**
     * The repack for {@code app} with the fewest moves, none of them of {@code immovable}, on no
     * device of {@code closed} (their apps stay as they are), and only one whose moves can be made one
     * after the other without breaking an SLO ({@link #ordered});
     * {@code placement} is left as it was.
     */
    Optional<Repack> repack(Placement placement, String app, double maxAddedUtilization, Set<String> immovable,
                            Set<String> closed) {
        AppDemand demand = placement.app(app);
        List<Device> neighbourhood = neighbourhood(placement, demand, closed);
        if (neighbourhood.isEmpty()) {
            return Optional.empty();
        }
        List<String> apps = new ArrayList<>();
        apps.add(app);
        Map<String, String> original = new HashMap<>();
        for (Device device : neighbourhood) {
            for (AppDemand there : placement.appsOn(device.id())) {
                apps.add(there.app());
                original.put(there.app(), device.id());
            }
        }
        if (!capacityMayHold(placement, neighbourhood, apps)) {
            return Optional.empty();
        }
        double before = 0;
        for (Device device : neighbourhood) {
            before += evaluator.utilizationWith(placement, device, null);
        }
        original.keySet().forEach(a -> placement.assign(a, null));
        Search search = new Search(placement, neighbourhood, apps, original, before, maxAddedUtilization, immovable);
        try {
            search.run(0, 0);
        } finally {
            for (String a : apps) {
                placement.assign(a, original.get(a));
            }
        }
        return Optional.ofNullable(search.best);
    }

    /**
     * The moves in an order where each target takes its app with what is on it at that step — so
     * every step keeps every SLO that held, sources only losing load (make-before-break) — or null
     * when there is none (two apps that would have to trade places, say). Asked of {@code placement}
     * as it stands before the moves, and left so.
     */
    private List<RoomSearch.Relocation> ordered(Placement placement, Map<String, String> moved) {
        Map<String, String> pending = new TreeMap<>(moved);
        Map<String, String> start = new HashMap<>();
        pending.keySet().forEach(a -> start.put(a, placement.deviceOf(a).orElseThrow()));
        List<RoomSearch.Relocation> order = new ArrayList<>();
        try {
            while (!pending.isEmpty()) {
                RoomSearch.Relocation next = null;
                for (Map.Entry<String, String> move : pending.entrySet()) {
                    placement.assign(move.getKey(), move.getValue());
                    boolean fits = evaluator.check(placement, move.getValue()).feasible();
                    placement.assign(move.getKey(), start.get(move.getKey()));
                    if (fits) {
                        next = new RoomSearch.Relocation(move.getKey(), start.get(move.getKey()), move.getValue());
                        break;
                    }
                }
                if (next == null) {
                    return null;
                }
                placement.assign(next.app(), next.to());
                pending.remove(next.app());
                order.add(next);
            }
            return order;
        } finally {
            start.forEach(placement::assign);
        }
    }

    /**
     * The two least full devices (by {@link DeviceEvaluator#dominantShare}) that can run the app,
     * then the least full others.
     */
    private List<Device> neighbourhood(Placement placement, AppDemand demand, Set<String> closed) {
        List<Device> chosen = new ArrayList<>(NEIGHBOURHOOD);
        leastLoaded(placement, d -> demand.profileOn(d.type()).isPresent() && !closed.contains(d.id()), 2, chosen);
        if (chosen.isEmpty()) {
            return List.of();
        }
        leastLoaded(placement, d -> !chosen.contains(d) && !closed.contains(d.id()), NEIGHBOURHOOD - chosen.size(), chosen);
        return chosen;
    }

    /** Adds to {@code into} the {@code count} least full devices that pass {@code filter}, in one pass (no sort of all devices). */
    private void leastLoaded(Placement placement, java.util.function.Predicate<Device> filter, int count, List<Device> into) {
        Comparator<Device> byLoad = Comparator.comparingDouble((Device d) -> evaluator.dominantShare(placement, d))
                .thenComparing(Device::id);
        List<Device> best = new ArrayList<>(count + 1);
        for (Device device : placement.devices()) {
            if (!filter.test(device)) {
                continue;
            }
            if (best.size() < count || byLoad.compare(device, best.get(best.size() - 1)) < 0) {
                int at = 0;
                while (at < best.size() && byLoad.compare(best.get(at), device) <= 0) {
                    at++;
                }
                best.add(at, device);
                if (best.size() > count) {
                    best.remove(best.size() - 1);
                }
            }
        }
        into.addAll(best);
    }

    /**
     * A necessary condition, per accelerator type of the neighbourhood and over all of it: the apps
     * that can run only on that type (among the neighbourhood's), and all apps together, need no more
     * memory — at their least — than the neighbourhood's nodes have free once these apps are taken
     * off, nor more swap-free load than its devices can take under the cap.
     */
    private boolean capacityMayHold(Placement placement, List<Device> neighbourhood, List<String> apps) {
        PlacementPolicy policy = evaluator.policy();
        Map<AcceleratorType, double[]> left = new EnumMap<>(AcceleratorType.class); // type -> {memory, load}
        Set<String> nodes = new HashSet<>();
        for (Device device : neighbourhood) {
            double[] room = left.computeIfAbsent(device.type(), t -> new double[2]);
            if (nodes.add(device.node())) {
                room[0] += evaluator.memoryLeftMb(placement, device.node());
            }
            room[1] += policy.maxUtilization() - placement.serviceLoad(device.id());
        }
        Map<AcceleratorType, double[]> onlyOn = new EnumMap<>(AcceleratorType.class);
        double[] all = new double[2];
        for (String name : apps) {
            AppDemand app = placement.app(name);
            Optional<String> on = placement.deviceOf(name);
            if (on.isPresent()) { // taken off: what it uses now is free
                Device device = placement.device(on.get());
                double[] room = left.get(device.type());
                room[0] += app.profileOn(device.type()).orElseThrow().memoryMb() + policy.frontendMemoryMb();
                room[1] += Placement.serviceLoadOf(app, device.type());
            }
            double memory = Double.POSITIVE_INFINITY;
            double load = Double.POSITIVE_INFINITY;
            Set<AcceleratorType> types = EnumSet.noneOf(AcceleratorType.class);
            for (AcceleratorType type : left.keySet()) {
                var profile = app.profileOn(type);
                if (profile.isPresent()) {
                    types.add(type);
                    memory = Math.min(memory, profile.get().memoryMb() + policy.frontendMemoryMb());
                    load = Math.min(load, Placement.serviceLoadOf(app, type));
                }
            }
            if (types.isEmpty()) {
                return false;
            }
            all[0] += memory;
            all[1] += load;
            if (types.size() == 1) {
                double[] need = onlyOn.computeIfAbsent(types.iterator().next(), t -> new double[2]);
                need[0] += memory;
                need[1] += load;
            }
        }
        double[] total = new double[2];
        for (Map.Entry<AcceleratorType, double[]> entry : left.entrySet()) {
            double[] need = onlyOn.getOrDefault(entry.getKey(), new double[2]);
            if (need[0] > entry.getValue()[0] || need[1] > entry.getValue()[1]) {
                return false;
            }
            total[0] += entry.getValue()[0];
            total[1] += entry.getValue()[1];
        }
        return all[0] <= total[0] && all[1] <= total[1];
    }

    private final class Search {
        private final Placement placement;
        private final List<Device> devices;
        private final List<String> apps;
        private final Map<String, String> original;
        private final double utilizationBefore;
        private final double maxAdded;
        private final Set<String> immovable;
        private Repack best;
        private int bestMoves = MAX_MOVES + 1;
        private long nodes;

        Search(Placement placement, List<Device> devices, List<String> apps, Map<String, String> original,
               double utilizationBefore, double maxAdded, Set<String> immovable) {
            this.placement = placement;
            this.devices = devices;
            this.apps = apps;
            this.original = original;
            this.utilizationBefore = utilizationBefore;
            this.maxAdded = maxAdded;
            this.immovable = immovable;
        }

        void run(int next, int moves) {
            if (moves >= bestMoves || ++nodes > MAX_NODES) {
                return;
            }
            if (next == apps.size()) {
                double after = 0;
                for (Device device : devices) {
                    after += evaluator.utilizationWith(placement, device, null);
                }
                if (after - utilizationBefore <= maxAdded) {
                    Map<String, String> reached = new HashMap<>();
                    Map<String, String> moved = new HashMap<>();
                    for (String app : apps) {
                        String device = placement.deviceOf(app).orElseThrow();
                        reached.put(app, device);
                        if (original.containsKey(app) && !device.equals(original.get(app))) {
                            moved.put(app, device);
                        }
                    }
                    // Ordered from where the apps stand now, then back to this leaf.
                    apps.forEach(app -> placement.assign(app, original.get(app)));
                    List<RoomSearch.Relocation> order = ordered(placement, moved);
                    reached.forEach(placement::assign);
                    if (order != null) { // else not doable make-before-break: search on
                        best = new Repack(reached.get(apps.get(0)), order);
                        bestMoves = moves;
                    }
                }
                return;
            }
            String app = apps.get(next);
            String home = original.get(app);
            // Its own device first: solutions with few moves are found early and prune the rest.
            List<Device> order = new ArrayList<>(devices);
            order.sort(Comparator.comparing((Device d) -> !d.id().equals(home)).thenComparing(Device::id));
            for (Device device : order) {
                if (immovable.contains(app) && !device.id().equals(home)) {
                    continue;
                }
                if (!evaluator.mayFit(placement, device, placement.app(app))) {
                    continue;
                }
                placement.assign(app, device.id());
                if (evaluator.check(placement, device.id()).feasible()) {
                    run(next + 1, moves + (home != null && !home.equals(device.id()) ? 1 : 0));
                }
                placement.assign(app, null);
            }
        }
    }
}
