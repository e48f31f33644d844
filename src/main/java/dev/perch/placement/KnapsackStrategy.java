package dev.perch.placement;

import dev.perch.model.profile.ModelProfile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The Ibis paper's memory-only baselines: bin packing by memory, rejecting an app only when no node
 * has room for its backend and front end. First fit takes the first device (cluster order) whose node
 * has room; best fit the one whose node is left with the least memory; worst fit the most.
 */
public final class KnapsackStrategy implements Strategy {
    public enum Fit { FIRST, BEST, WORST }

    private final Fit fit;
    private final PlacementPolicy policy;

    public KnapsackStrategy(Fit fit, PlacementPolicy policy) {
        this.fit = fit;
        this.policy = policy;
    }

    @Override
    public String name() {
        return "knapsack-" + fit.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Offer offer(ClusterModel cluster, String app) {
        AppDemand demand = cluster.apps().get(app);
        record Candidate(Device device, double leftMb) {
        }
        List<Candidate> fitting = new ArrayList<>();
        for (Device device : cluster.devices()) {
            Optional<ModelProfile> profile = demand.profileOn(device.type());
            if (profile.isEmpty()) {
                continue;
            }
            double left = freeMemoryMb(cluster, device.node()) - profile.get().memoryMb() - policy.frontendMemoryMb();
            if (left >= 0) {
                fitting.add(new Candidate(device, left));
            }
        }
        Optional<Candidate> chosen = switch (fit) {
            case FIRST -> fitting.stream().findFirst();
            case BEST -> fitting.stream().min(Comparator.comparingDouble(Candidate::leftMb));
            case WORST -> fitting.stream().max(Comparator.comparingDouble(Candidate::leftMb));
        };
        return chosen.<Offer>map(c -> new Offer.Placed(cluster.with(app, c.device().id()), c.device().id(), 0))
                .orElseGet(() -> new Offer.Rejected("no node has memory for " + app));
    }

    /** Memory still usable on a node under the policy's share. */
    static double freeMemoryMb(ClusterModel cluster, String node, PlacementPolicy policy) {
        Host host = cluster.host(node).orElseThrow();
        return policy.memory().limitMb(host.memoryMb()) - policy.memory().usedMb(cluster.backendMemoryOnNode(node));
    }

    private double freeMemoryMb(ClusterModel cluster, String node) {
        return freeMemoryMb(cluster, node, policy);
    }
}
