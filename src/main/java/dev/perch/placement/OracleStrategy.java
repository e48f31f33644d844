package dev.perch.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The exact maximum number of apps that can be hosted at once — every device meeting the same hard
 * constraints as Perch's planner ({@link DeviceEvaluator}) — by branch and bound over all apps
 * together, to measure how far the online heuristics are from optimal. Small instances only: it
 * gives up with a clear error after {@link #MAX_NODES} search nodes.
 *
 * <p>The search assigns apps, hardest first (most load on their cheapest device type), to each
 * device where it fits, or to none. It starts from the placement Perch's admission reaches offering
 * the apps in order ({@link MigrationPlanner#admit}) as the incumbent, and
 * prunes a branch when the apps placed plus the apps still to decide that could fit somewhere by the
 * free bounds ({@link DeviceEvaluator#mayFit}) cannot beat it. Idle devices alike are tried once.
 * Sound as long as adding an app never makes a device feasible that was not — true of every
 * constraint here (memory, utilisation, latency all grow with load).
 */
public final class OracleStrategy implements Strategy.Batch {
    static final long MAX_NODES = 5_000_000;

    private final PlacementPolicy policy;
    private final DeviceEvaluator evaluator;
    private final TargetSelector selector;

    public OracleStrategy(PlacementPolicy policy) {
        this.policy = policy;
        this.evaluator = new DeviceEvaluator(policy);
        this.selector = new TargetSelector(evaluator);
    }

    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public void placeAll(Placement placement, List<String> apps) {
        Search search = new Search(placement, hardestFirst(placement, apps));
        Placement greedy = Placement.of(placement.snapshot());
        MigrationPlanner admission = new MigrationPlanner(policy, Integer.MAX_VALUE);
        for (String app : apps) {
            if (admission.admit(greedy.snapshot(), app, Set.of(), Map.of()) instanceof MigrationPlanner.Admission.Admitted admitted) {
                admitted.plan().steps().forEach(step -> greedy.assign(step.app(), step.to()));
            }
        }
        for (String app : apps) {
            greedy.deviceOf(app).ifPresent(device -> search.best.put(app, device));
        }
        search.run(0, 0);
        search.best.forEach(placement::assign);
    }

    private static List<String> hardestFirst(Placement placement, List<String> apps) {
        List<String> order = new ArrayList<>(apps);
        order.sort(Comparator.comparingDouble((String app) -> -cheapestLoad(placement.app(app))).thenComparing(app -> app));
        return order;
    }

    private static double cheapestLoad(AppDemand app) {
        return app.profiles().keySet().stream().mapToDouble(type -> Placement.serviceLoadOf(app, type)).min().orElse(0);
    }

    private final class Search {
        private final Placement placement;
        private final List<String> order;
        private final Map<String, String> best = new HashMap<>();
        private long nodes;

        Search(Placement placement, List<String> order) {
            this.placement = placement;
            this.order = order;
        }

        void run(int next, int placed) {
            if (++nodes > MAX_NODES) {
                throw new IllegalArgumentException("oracle: more than " + MAX_NODES + " search nodes for "
                        + order.size() + " apps on " + placement.devices().size()
                        + " devices; it is meant for small instances");
            }
            if (placed + couldStillFit(next) <= best.size()) {
                return;
            }
            if (next == order.size()) {
                best.clear();
                for (String app : order) {
                    placement.deviceOf(app).ifPresent(device -> best.put(app, device));
                }
                return;
            }
            String app = order.get(next);
            for (Device device : selector.candidates(placement, placement.app(app), Set.of())) {
                placement.assign(app, device.id());
                if (evaluator.check(placement, device.id()).feasible()) {
                    run(next + 1, placed + 1);
                }
                placement.assign(app, null);
            }
            run(next + 1, placed);
        }

        /** Apps from {@code next} on that pass the free bounds on some device now: an upper bound on what can still be placed. */
        private int couldStillFit(int next) {
            int count = 0;
            for (int i = next; i < order.size(); i++) {
                AppDemand app = placement.app(order.get(i));
                for (Device device : placement.devices()) {
                    if (evaluator.mayFit(placement, device, app)) {
                        count++;
                        break;
                    }
                }
            }
            return count;
        }
    }
}
