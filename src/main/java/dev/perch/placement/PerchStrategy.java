package dev.perch.placement;

/**
 * Perch's planner as a strategy: the device where, by Perch's models (mean and tail), the app and
 * every app already there meet their SLOs, busiest first (best fit) — {@link TargetSelector#place}.
 * It does not yet move already-placed apps to make room.
 */
public final class PerchStrategy implements Strategy {
    private final TargetSelector selector;

    public PerchStrategy(PlacementPolicy policy) {
        this.selector = new TargetSelector(new DeviceEvaluator(policy));
    }

    @Override
    public String name() {
        return "perch";
    }

    @Override
    public Offer offer(ClusterModel cluster, String app) {
        TargetSelector.Choice choice = selector.place(cluster, app);
        if (choice instanceof TargetSelector.Choice.Chosen chosen) {
            return new Offer.Placed(cluster.with(app, chosen.to()), chosen.to(), 0);
        }
        return new Offer.Rejected(((TargetSelector.Choice.NoTarget) choice).reason());
    }
}
