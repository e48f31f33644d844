package dev.perch.placement;

import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.queueing.MemoryFeasibility;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Where an app of a model nobody profiled starts its probation: alone on an accelerator of a type
 * its owner built it for, so that its telemetry shows its own service time and nothing it shares
 * with can be hurt by a guess. Pure, like the rest of the planner.
 *
 * <ol>
 *   <li>An idle accelerator of an allowed type that no one else is headed for, on a node whose
 *   memory takes the app ({@code prior}'s memory: nothing measured it yet): the first in the
 *   cluster's order.</li>
 *   <li>Else one made idle: the least loaded accelerator of an allowed type whose apps all keep
 *   their SLOs elsewhere — each where it fits with what is there by then, none where it would take
 *   the place of another, within the move budget, never one of {@code immovable}.</li>
 *   <li>Else, when the operator allows it ({@code shareWhenNoneIdle}), beside other apps: where the
 *   usual placement would put it if its profile were {@code prior} — a conservative one, so that the
 *   apps it joins keep their SLOs unless it costs more than {@code prior} says.</li>
 *   <li>Else none: the app waits, and why is said.</li>
 * </ol>
 */
public final class ProbationPlanner {
    private final DeviceEvaluator evaluator;
    private final TargetSelector selector;
    private final int moveBudget;

    public ProbationPlanner(PlacementPolicy policy, int moveBudget) {
        this.evaluator = new DeviceEvaluator(policy);
        this.selector = new TargetSelector(evaluator);
        this.moveBudget = moveBudget;
    }

    /** How the probation of one app starts. */
    public sealed interface Start {
        /** Placed alone on an idle accelerator: {@code place} is the step. */
        record Alone(PlannedStep place) implements Start {
        }

        /** No accelerator is idle; {@code moves} empty {@code accelerator} for it, and it is placed there once they are over. */
        record Emptying(String accelerator, MigrationPlan moves) implements Start {
        }

        /** Placed beside other apps with {@code prior} as its profile: {@code place} is the step. */
        record Shared(PlannedStep place) implements Start {
        }

        /** No accelerator is idle or can be emptied now; {@code reason} says why, in one line. */
        record NoneFree(String reason) implements Start {
        }
    }

    /**
     * Where {@code app} — placed nowhere, its model profiled for none of {@code allowed} — starts its
     * probation, with {@code prior} standing in for its profile on an accelerator's type until its
     * telemetry says more (by type). No app goes to or is moved to an accelerator of {@code closed}.
     */
    public Start start(Placement placement, String app, Set<AcceleratorType> allowed, Map<AcceleratorType, ModelProfile> prior,
                       Set<String> immovable, Map<String, String> closed, boolean shareWhenNoneIdle) {
        if (placement.deviceOf(app).isPresent()) {
            throw new IllegalArgumentException("app " + app + " is already placed");
        }
        List<Device> candidates = placement.devices().stream()
                .filter(d -> allowed.contains(d.type()) && prior.containsKey(d.type()) && !closed.containsKey(d.id())).toList();
        if (candidates.isEmpty()) {
            return new Start.NoneFree("no accelerator of " + typesOf(allowed) + " takes apps now"
                    + (closed.isEmpty() ? "" : " (" + closed.size() + " closed)"));
        }
        MemoryFeasibility memory = new MemoryFeasibility(evaluator.policy().memoryShare(), evaluator.policy().frontendMemoryMb());
        for (Device device : candidates) {
            if (placement.appsOn(device.id()).isEmpty() && memoryFits(placement, device, prior.get(device.type()), memory)) {
                return new Start.Alone(place(placement, app, device, prior.get(device.type())));
            }
        }
        Optional<Start.Emptying> emptying = emptying(placement, app, candidates, immovable, closed);
        if (emptying.isPresent()) {
            return emptying.get();
        }
        String none = "no accelerator of " + typesOf(allowed) + " is idle, and none can be emptied: the apps of each"
                + " keep their SLOs nowhere else within " + moveBudget + " moves";
        if (!shareWhenNoneIdle) {
            return new Start.NoneFree(none);
        }
        Map<AcceleratorType, ModelProfile> priors = new HashMap<>(prior);
        priors.keySet().retainAll(allowed);
        Placement withPrior = withProfiles(placement, app, priors, null);
        Optional<String> to = selector.placeTarget(withPrior, app, closed.keySet());
        if (to.isEmpty()) {
            return new Start.NoneFree(none + "; nor does one keep every SLO with it beside its apps, at the conservative prior");
        }
        DeviceVerdict before = evaluator.evaluate(placement, to.get());
        withPrior.assign(app, to.get());
        return new Start.Shared(new PlannedStep(new PlanStep.Place(app, to.get()), "probation beside other apps"
                + " (perch.probation.share-when-none-idle): learning the profile of " + placement.app(app).model() + " on "
                + to.get() + ", planned at the conservative prior", null, null, before, evaluator.evaluate(withPrior, to.get())));
    }

    private Optional<Start.Emptying> emptying(Placement placement, String app, List<Device> candidates,
                                              Set<String> immovable, Map<String, String> closed) {
        Map<String, Double> load = new HashMap<>();
        List<Device> byLoad = new ArrayList<>();
        for (Device device : candidates) {
            List<AppDemand> on = placement.appsOn(device.id());
            if (!on.isEmpty() && on.size() <= moveBudget && on.stream().noneMatch(a -> immovable.contains(a.app()))) {
                byLoad.add(device);
                load.put(device.id(), evaluator.utilizationWith(placement, device, null));
            }
        }
        byLoad.sort(Comparator.comparingDouble((Device d) -> load.get(d.id())).thenComparing(Device::id));
        for (Device device : byLoad) {
            Set<String> excluded = new HashSet<>(closed.keySet());
            excluded.add(device.id());
            Optional<Map<String, String>> targets = DeviceEmptying.targets(selector, placement, device, excluded);
            if (targets.isEmpty()) {
                continue;
            }
            List<PlannedStep> moves = new ArrayList<>();
            try {
                for (Map.Entry<String, String> target : new LinkedHashMap<>(targets.get()).entrySet()) {
                    moves.add(DeviceEmptying.move(evaluator, placement, target.getKey(), target.getValue(),
                            "making " + device.id() + " idle for the probation of " + app));
                }
            } finally {
                for (int i = moves.size() - 1; i >= 0; i--) {
                    placement.assign(moves.get(i).app(), moves.get(i).from().orElse(null));
                }
            }
            return Optional.of(new Start.Emptying(device.id(), new MigrationPlan(List.copyOf(moves), List.of())));
        }
        return Optional.empty();
    }

    /**
     * {@code app} alone on {@code device} with the profile learned on its probation: whether its
     * model keeps its SLO there even with nothing beside it. Apps elsewhere on the node count only
     * for memory.
     */
    public DeviceVerdict alone(Placement placement, String app, String device, ModelProfile learned) {
        Device on = placement.device(device);
        Placement copy = withProfiles(placement, app, Map.of(on.type(), learned), device);
        for (AppDemand other : copy.appsOn(device)) {
            if (!other.app().equals(app)) {
                copy.assign(other.app(), null);
            }
        }
        return evaluator.evaluate(copy, device);
    }

    /** The place step, its verdict after taken with {@code prior} as the app's profile there. */
    private PlannedStep place(Placement placement, String app, Device device, ModelProfile prior) {
        DeviceVerdict before = evaluator.evaluate(placement, device.id());
        Placement alone = withProfiles(placement, app, Map.of(device.type(), prior), device.id());
        return new PlannedStep(new PlanStep.Place(app, device.id()), "probation: learning the profile of "
                + placement.app(app).model() + ", alone on " + device.id() + " until its telemetry shows it (predicted here at the"
                + " conservative prior)", null, null,
                before, evaluator.evaluate(alone, device.id()));
    }

    /** A copy of {@code placement} where {@code app} has {@code profiles} and runs on {@code device} (null: nowhere). */
    private static Placement withProfiles(Placement placement, String app, Map<AcceleratorType, ModelProfile> profiles,
                                          String device) {
        ClusterModel now = placement.snapshot();
        AppDemand demand = now.apps().get(app);
        Map<String, AppDemand> apps = new LinkedHashMap<>(now.apps());
        apps.put(app, new AppDemand(app, demand.model(), demand.ratePerSec(), demand.sloMs(), demand.sloStatistic(),
                demand.sloWindowSec(), profiles));
        Map<String, String> assignment = new HashMap<>(now.assignment());
        if (device != null) {
            assignment.put(app, device);
        }
        return Placement.of(new ClusterModel(now.networkMs(), now.hosts(), now.devices(), apps, assignment));
    }

    private static boolean memoryFits(Placement placement, Device device, ModelProfile prior, MemoryFeasibility memory) {
        Host host = placement.host(device.node());
        int apps = placement.appCountOnNode(device.node()) + 1;
        return placement.backendMemoryMbOnNode(device.node()) + prior.memoryMb() + memory.frontendMb() * apps
                <= memory.limitMb(host.memoryMb());
    }

    private static String typesOf(Set<AcceleratorType> types) {
        SortedSet<String> ids = new TreeSet<>();
        types.forEach(t -> ids.add(t.id()));
        return "type " + String.join(" or ", ids);
    }
}
