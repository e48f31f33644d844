package dev.perch.placement;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.IbisModel;
import dev.perch.model.queueing.LatencyModels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The Ibis paper's model-driven greedy policies, as baselines. A device is feasible when memory fits,
 * the utilisation the paper's model predicts at the declared rates — without Perch's rate headroom
 * or the swaps the front ends cause on an Edge TPU — stays under the paper's cap of
 * {@value #PAPER_MAX_UTILIZATION}, and the paper's mean model keeps every app on it within its SLO
 * (mean latency only, whatever statistic the SLO names).
 * The cap is the paper's, not Perch's {@link PlacementPolicy#maxUtilization}: a baseline is measured
 * as its authors set it (docs/decisions/0004-utilisation-cap.md). Among the device types the app can
 * run on, the one whose utilisation the app raises least comes first; within it, a feasible device
 * already running the same model, else an idle one, else — breadth first — the least utilised, or —
 * depth first — the first by name.
 */
public final class IbisStrategy implements Strategy.Online {
    /** The Ibis authors' utilisation cap per accelerator, on their model's utilisation. */
    public static final double PAPER_MAX_UTILIZATION = 0.8;

    private final boolean breadthFirst;
    private final PlacementPolicy policy;

    public IbisStrategy(boolean breadthFirst, PlacementPolicy policy) {
        this.breadthFirst = breadthFirst;
        this.policy = policy;
    }

    @Override
    public String name() {
        return breadthFirst ? "ibis-bfs" : "ibis-dfs";
    }

    @Override
    public Offer offer(Placement placement, String app) {
        AppDemand demand = placement.app(app);
        List<AcceleratorType> types = new ArrayList<>(demand.profiles().keySet());
        types.sort(Comparator.comparingDouble(t -> demand.ratePerSec() / 1000 * demand.profileOn(t).map(
                p -> p.serviceMs() + p.swapMs()).orElse(Double.MAX_VALUE)));
        for (AcceleratorType type : types) {
            record Candidate(Device device, double utilization, boolean sameModel, boolean idle) {
            }
            List<Candidate> feasible = new ArrayList<>();
            for (Device device : placement.devices()) {
                if (device.type() != type) {
                    continue;
                }
                List<AppDemand> there = List.copyOf(placement.appsOn(device.id()));
                placement.assign(app, device.id());
                Optional<Double> utilization = feasibleUtilization(placement, device);
                placement.assign(app, null);
                if (utilization.isPresent()) {
                    feasible.add(new Candidate(device, utilization.get(),
                            there.stream().anyMatch(a -> a.model().equals(demand.model())), there.isEmpty()));
                }
            }
            Comparator<Candidate> order = Comparator.comparing((Candidate c) -> !c.sameModel())
                    .thenComparing(c -> !c.idle());
            order = breadthFirst ? order.thenComparingDouble(Candidate::utilization) : order;
            order = order.thenComparing(c -> c.device().id());
            Optional<Candidate> best = feasible.stream().min(order);
            if (best.isPresent()) {
                String device = best.get().device().id();
                placement.assign(app, device);
                return new Offer.Placed(device, List.of());
            }
        }
        return new Offer.Rejected("no device where the paper's mean model keeps every SLO");
    }

    private Optional<Double> feasibleUtilization(Placement after, Device device) {
        if (KnapsackStrategy.freeMemoryMb(after, device.node(), policy) < 0) {
            return Optional.empty();
        }
        List<AppDemand> apps = after.appsOn(device.id());
        List<AppLoad> loads = new ArrayList<>();
        for (AppDemand app : apps) {
            ModelProfile profile = app.profileOn(device.type()).orElseThrow();
            loads.add(new AppLoad(app.app(), app.model(), app.ratePerSec(), profile.serviceMs(), profile.swapMs(), 0));
        }
        double utilization = LatencyModels.predict(device.type(), loads, EndToEnd.NONE).utilization();
        if (utilization > PAPER_MAX_UTILIZATION) {
            return Optional.empty();
        }
        Host host = after.host(device.node());
        double[] means = IbisModel.meanMs(device.type(), loads,
                new EndToEnd(after.networkMs(), host.frontendServiceMs(), policy.frontendCv()));
        if (means == null) {
            return Optional.empty();
        }
        for (int i = 0; i < apps.size(); i++) {
            if (means[i] > apps.get(i).sloMs()) {
                return Optional.empty();
            }
        }
        return Optional.of(utilization);
    }
}
