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
public final class KnapsackStrategy implements Strategy.Online {
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
    public Offer offer(Placement placement, String app) {
        AppDemand demand = placement.app(app);
        record Candidate(Device device, double leftMb) {
        }
        List<Candidate> fitting = new ArrayList<>();
        for (Device device : placement.devices()) {
            Optional<ModelProfile> profile = demand.profileOn(device.type());
            if (profile.isEmpty()) {
                continue;
            }
            double left = freeMemoryMb(placement, device.node(), policy) - profile.get().memoryMb() - policy.frontendMemoryMb();
            if (left >= 0) {
                fitting.add(new Candidate(device, left));
            }
        }
        Optional<Candidate> chosen = switch (fit) {
            case FIRST -> fitting.stream().findFirst();
            case BEST -> fitting.stream().min(Comparator.comparingDouble(Candidate::leftMb));
            case WORST -> fitting.stream().max(Comparator.comparingDouble(Candidate::leftMb));
        };
        if (chosen.isEmpty()) {
            return new Offer.Rejected("no node has memory for " + app);
        }
        placement.assign(app, chosen.get().device().id());
        return new Offer.Placed(chosen.get().device().id(), List.of());
    }

    /** Memory still usable on a node under the policy's share. */
    static double freeMemoryMb(Placement placement, String node, PlacementPolicy policy) {
        return policy.memory().limitMb(placement.host(node).memoryMb()) - placement.backendMemoryMbOnNode(node)
                - policy.frontendMemoryMb() * placement.appCountOnNode(node);
    }
}
