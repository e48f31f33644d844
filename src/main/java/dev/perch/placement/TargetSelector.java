package dev.perch.placement;

import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the device for one app — a new app, or a running one whose SLO is at risk — among the
 * devices where, by the models, the app and every app already there meet their SLOs (hard
 * constraints first: {@link DeviceEvaluator}). Soft objectives differ by purpose:
 * <ul>
 *   <li>a new app goes to the feasible device where it adds the least predicted utilisation, swaps
 *   included — so an Edge TPU already serving its model costs least, and each model goes to the
 *   accelerator type that serves it fastest. Among equals (on a GPU an app adds the same load
 *   wherever it goes, and memory is what runs out) a device already running its model, else an
 *   idle one, else the busiest: apps of one model together fill a node's memory in equal parts
 *   (four 700 MB ResNet-34s, three 965 MB ResNet-50s) where mixed sizes leave gaps that fit
 *   nothing — measured on the GPU-only scenario: 24–25 apps placed per seed with busiest-first,
 *   25–26 with this order;</li>
 *   <li>an app at risk moves to the feasible device with the most SLO slack afterwards, because the
 *   move answers a rising load and the next rise should not send it moving again.</li>
 * </ul>
 * Ties go to the device id, so the choice is reproducible.
 *
 * <p>The search is built to stay fast on a thousand devices: bounds that cost nothing
 * ({@link DeviceEvaluator#mayFit}) drop most devices, idle devices alike in type and node are tried
 * once, and for a new app the models run on candidates in order of preference only until one fits.
 */
public final class TargetSelector {
    private final DeviceEvaluator evaluator;

    public TargetSelector(DeviceEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    /** The outcome of a choice. */
    public sealed interface Choice {
        /** A target was found: the step there, with the predictions before and after. */
        record Chosen(PlannedStep step) implements Choice {
        }

        /** No device is feasible; {@code reason} gives every candidate's reason. */
        record NoTarget(String app, String reason, DeviceVerdict sourceNow) implements Choice {
        }
    }

    /** Where to place an app that runs nowhere yet, with the predictions before and after (for a decision record). */
    public Choice place(ClusterModel cluster, String app) {
        return place(cluster, app, Map.of());
    }

    /**
     * As {@link #place(ClusterModel, String)}, on no device of {@code unavailable} (device id to the
     * reason it takes no new app now, given among the reasons when no device takes it).
     */
    public Choice place(ClusterModel cluster, String app, Map<String, String> unavailable) {
        Placement placement = Placement.of(cluster);
        Optional<String> to = placeTarget(placement, app, unavailable.keySet());
        if (to.isEmpty()) {
            return new Choice.NoTarget(app, noTargetReason(placement, app, null, unavailable), null);
        }
        return chosen(placement, app, to.get());
    }

    /** Where to move a running app whose SLO is at risk, with the predictions before and after. */
    public Choice relocate(ClusterModel cluster, String app) {
        return relocate(cluster, app, Map.of());
    }

    /** As {@link #relocate(ClusterModel, String)}, to no device of {@code unavailable} (see {@link #place(ClusterModel, String, Map)}). */
    public Choice relocate(ClusterModel cluster, String app, Map<String, String> unavailable) {
        return relocate(Placement.of(cluster), app, unavailable);
    }

    /** As {@link #relocate(ClusterModel, String, Map)}, on a working copy that it leaves as it found it. */
    public Choice relocate(Placement placement, String app, Map<String, String> unavailable) {
        String from = placement.deviceOf(app)
                .orElseThrow(() -> new IllegalArgumentException("app " + app + " is not placed"));
        Optional<String> to = relocateTarget(placement, app, unavailable.keySet());
        if (to.isEmpty()) {
            return new Choice.NoTarget(app, noTargetReason(placement, app, from, unavailable), evaluator.evaluate(placement, from));
        }
        return chosen(placement, app, to.get());
    }

    /**
     * The placement or move of an app to a device chosen by someone else (a baseline's rule, an
     * owner's pin), with the predictions before and after — recorded as chosen even when the models
     * say it breaks an SLO.
     */
    public Choice moveTo(ClusterModel cluster, String app, String to) {
        return moveTo(Placement.of(cluster), app, to);
    }

    /** As {@link #moveTo(ClusterModel, String, String)}, on a working copy that it leaves as it found it. */
    public Choice moveTo(Placement placement, String app, String to) {
        return chosen(placement, app, to);
    }

    /**
     * The device where {@code app} — which must not be placed — adds the least predicted utilisation
     * (among equals: one running its model, an idle one, the busiest) and fits with every app already
     * there, skipping {@code excluded}. The placement is left as it was.
     */
    public Optional<String> placeTarget(Placement placement, String app, Set<String> excluded) {
        requireUnplaced(placement, app);
        AppDemand demand = placement.app(app);
        record Candidate(String device, long addedMicros, boolean otherModels, boolean busy, double utilization) {
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Device device : candidates(placement, demand, excluded)) {
            double utilization = evaluator.utilizationWith(placement, device, demand);
            if (utilization <= evaluator.policy().maxUtilization()) {
                // Rounded so that devices where the app adds the same load (every GPU) tie exactly.
                long addedMicros = Math.round(1e6 * (utilization - evaluator.utilizationWith(placement, device, null)));
                List<AppDemand> there = placement.appsOn(device.id());
                candidates.add(new Candidate(device.id(), addedMicros, !runsModel(there, demand.model()), !there.isEmpty(), utilization));
            }
        }
        candidates.sort(Comparator.comparingLong(Candidate::addedMicros).thenComparing(Candidate::otherModels)
                .thenComparing(Candidate::busy).thenComparingDouble(c -> -c.utilization()).thenComparing(Candidate::device));
        for (Candidate candidate : candidates) {
            placement.assign(app, candidate.device());
            try {
                if (evaluator.feasible(placement, candidate.device())) {
                    return Optional.of(candidate.device());
                }
            } finally {
                placement.assign(app, null);
            }
        }
        return Optional.empty();
    }

    /**
     * The device with the most SLO slack afterwards where the placed {@code app} fits, other than its
     * own and {@code excluded}. The placement is left as it was.
     */
    public Optional<String> relocateTarget(Placement placement, String app, Set<String> excluded) {
        String from = placement.deviceOf(app)
                .orElseThrow(() -> new IllegalArgumentException("app " + app + " is not placed"));
        placement.assign(app, null);
        try {
            Set<String> skip = new HashSet<>(excluded);
            skip.add(from);
            String best = null;
            double bestSlack = Double.NEGATIVE_INFINITY;
            for (Device device : candidates(placement, placement.app(app), skip)) {
                placement.assign(app, device.id());
                DeviceEvaluator.Fit fit;
                try {
                    fit = evaluator.check(placement, device.id(), false); // no reasons: only the best is kept
                } finally {
                    placement.assign(app, null);
                }
                if (fit.feasible() && (fit.minSlack() > bestSlack
                        || (fit.minSlack() == bestSlack && device.id().compareTo(best) < 0))) {
                    best = device.id();
                    bestSlack = fit.minSlack();
                }
            }
            return Optional.ofNullable(best);
        } finally {
            placement.assign(app, from);
        }
    }

    /** Whether the unplaced {@code app} would fit on {@code device}; the placement is left as it was. */
    public DeviceEvaluator.Fit fitsWith(Placement placement, String app, String device) {
        placement.assign(app, device);
        try {
            return evaluator.check(placement, device);
        } finally {
            placement.assign(app, null);
        }
    }

    /**
     * The devices that pass the free bounds for an unplaced app, idle devices alike (same type, same
     * node memory, front end and use) collapsed to the first by id, since they predict alike.
     */
    List<Device> candidates(Placement placement, AppDemand demand, Set<String> excluded) {
        record Alike(AcceleratorType type, double memoryMb, double frontendServiceMs, double backendMemoryMb, int apps) {
        }
        // The app's profile per type, looked up once rather than per device. Idle devices are
        // classed by hash: half-way through a pass over a thousand devices, nodes with one busy
        // accelerator make hundreds of classes, and a scan of them per idle device cost more than
        // all the rest of the search.
        ModelProfile[] profiles = new ModelProfile[AcceleratorType.values().length];
        for (AcceleratorType type : AcceleratorType.values()) {
            profiles[type.ordinal()] = demand.profileOn(type).orElse(null);
        }
        List<Device> result = new ArrayList<>();
        List<Alike> idleClasses = new ArrayList<>();
        Map<Alike, Integer> idleClassAt = new HashMap<>();
        List<Device> idleFirst = new ArrayList<>();
        List<Device> devices = placement.devices();
        for (int i = 0; i < devices.size(); i++) {
            Device device = devices.get(i);
            if (!evaluator.mayFitAt(placement, i, demand, profiles[device.type().ordinal()])
                    || (!excluded.isEmpty() && excluded.contains(device.id()))) {
                continue;
            }
            if (!placement.idleAt(i)) {
                result.add(device);
                continue;
            }
            Host host = placement.hostAt(i);
            double backendMb = placement.backendMemoryMbAt(i);
            int apps = placement.appCountOnNodeAt(i);
            Alike alike = new Alike(device.type(), host.memoryMb(), host.frontendServiceMs(), backendMb, apps);
            Integer found = idleClassAt.putIfAbsent(alike, idleClasses.size());
            if (found == null) {
                idleClasses.add(alike);
                idleFirst.add(device);
            } else if (device.id().compareTo(idleFirst.get(found).id()) < 0) {
                idleFirst.set(found, device);
            }
        }
        // Into a hash map in the order the classes were met, as before: callers that try candidates
        // in order (the oracle) see the same order.
        Map<Alike, Device> idleAlike = new HashMap<>();
        for (int c = 0; c < idleClasses.size(); c++) {
            idleAlike.put(idleClasses.get(c), idleFirst.get(c));
        }
        result.addAll(idleAlike.values());
        return result;
    }

    private static boolean runsModel(List<AppDemand> apps, String model) {
        for (int i = 0; i < apps.size(); i++) { // by index, no stream: asked of every candidate for every app
            if (apps.get(i).model().equals(model)) {
                return true;
            }
        }
        return false;
    }

    private static void requireUnplaced(Placement placement, String app) {
        placement.deviceOf(app).ifPresent(d -> {
            throw new IllegalArgumentException("app " + app + " is already on " + d);
        });
    }

    private Choice.Chosen chosen(Placement placement, String app, String to) {
        String from = placement.deviceOf(app).orElse(null);
        DeviceVerdict sourceBefore = from == null ? null : evaluator.evaluate(placement, from);
        placement.assign(app, null);
        DeviceVerdict sourceAfter = from == null ? null : evaluator.evaluate(placement, from);
        DeviceVerdict targetBefore = evaluator.evaluate(placement, to);
        placement.assign(app, to);
        DeviceVerdict targetAfter = evaluator.evaluate(placement, to);
        placement.assign(app, from);
        PlanStep step = from == null ? new PlanStep.Place(app, to) : new PlanStep.Move(app, from, to);
        return new Choice.Chosen(new PlannedStep(step, from == null ? "new app" : "moved", sourceBefore, sourceAfter,
                targetBefore, targetAfter));
    }

    /**
     * Refusals a decision record lists one by one; beyond them it says how many more devices refuse
     * and why, grouped, so a refusal on a fleet of a thousand accelerators is a line, not a page.
     */
    public static final int LISTED_REFUSALS = 8;

    /**
     * Why no device takes the app, for a decision record; the placement is left as it was. Up to
     * {@link #LISTED_REFUSALS} devices, each device's reason; beyond that, devices refusing for a
     * reason that names no device (no profile, unavailable) are counted per reason, the first
     * {@link #LISTED_REFUSALS} that the models refuse are listed, and the rest only counted — not
     * evaluated again, as the search already found none of them takes the app.
     */
    String noTargetReason(Placement placement, String app, String from, Map<String, String> unavailable) {
        AppDemand demand = placement.app(app);
        placement.assign(app, null);
        List<String> listed = new ArrayList<>();
        List<String> modelReasons = new ArrayList<>();
        Map<String, Integer> grouped = new LinkedHashMap<>();
        int refusedByModels = 0;
        for (Device device : placement.devices()) {
            if (device.id().equals(from)) {
                continue;
            }
            String shared = unavailable.containsKey(device.id()) ? unavailable.get(device.id())
                    : demand.profileOn(device.type()).isEmpty() ? "no profile of " + demand.model() + " for " + device.type()
                    : null;
            if (shared != null) {
                listed.add(device.id() + ": " + shared);
                grouped.merge(shared, 1, Integer::sum);
                continue;
            }
            refusedByModels++;
            if (refusedByModels <= LISTED_REFUSALS) {
                placement.assign(app, device.id());
                String line = device.id() + ": " + evaluator.evaluate(placement, device.id()).reason();
                placement.assign(app, null);
                listed.add(line);
                modelReasons.add(line);
            }
        }
        placement.assign(app, from);
        int devices = refusedByModels + grouped.values().stream().mapToInt(Integer::intValue).sum();
        if (devices == 0) {
            return "no device keeps every SLO (no other device)";
        }
        if (devices <= LISTED_REFUSALS) {
            return "no device keeps every SLO (" + String.join("; ", listed) + ")";
        }
        List<String> summary = new ArrayList<>();
        grouped.forEach((reason, count) -> summary.add(count + (count == 1 ? " device: " : " devices: ") + reason));
        summary.addAll(modelReasons);
        if (refusedByModels > LISTED_REFUSALS) {
            summary.add("and " + (refusedByModels - LISTED_REFUSALS) + " more devices where the models refuse it");
        }
        return "no device keeps every SLO of " + devices + " devices (" + String.join("; ", summary) + ")";
    }
}
