package dev.perch.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses the device for one app — a new app, or a running one whose SLO is at risk — among the
 * devices where, by the models, the app and every app already there meet their SLOs (hard
 * constraints first: {@link DeviceEvaluator}). Soft objectives differ by purpose:
 * <ul>
 *   <li>a new app goes to the feasible device that is busiest afterwards (best fit: fewest devices
 *   in use, room kept free for larger apps);</li>
 *   <li>an app at risk moves to the feasible device with the most SLO slack afterwards, because the
 *   move answers a rising load and the next rise should not send it moving again.</li>
 * </ul>
 * Ties go to the device id, so the choice is reproducible.
 */
public final class TargetSelector {
    private final DeviceEvaluator evaluator;

    public TargetSelector(DeviceEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    /** The outcome of a choice. */
    public sealed interface Choice {
        /** A feasible target was found; the verdicts are the predictions before and after. */
        record Chosen(String app, String from, String to, DeviceVerdict sourceBefore, DeviceVerdict sourceAfter,
                      DeviceVerdict targetBefore, DeviceVerdict targetAfter) implements Choice {
        }

        /** No device is feasible; {@code reason} gives every candidate's reason. */
        record NoTarget(String app, String reason, DeviceVerdict sourceNow) implements Choice {
        }
    }

    /** Where to place an app that runs nowhere yet. */
    public Choice place(ClusterModel cluster, String app) {
        return choose(cluster, app, null,
                Comparator.comparingDouble((Candidate c) -> -c.after().utilization()).thenComparing(c -> c.device().id()));
    }

    /** Where to move a running app whose SLO is at risk. */
    public Choice relocate(ClusterModel cluster, String app) {
        String from = cluster.deviceOf(app)
                .orElseThrow(() -> new IllegalArgumentException("app " + app + " is not placed"));
        return choose(cluster, app, from,
                Comparator.comparingDouble((Candidate c) -> -c.after().minSlack()).thenComparing(c -> c.device().id()));
    }

    /**
     * The move of a running app to a device chosen by someone else (a baseline's rule), with the
     * predictions before and after — recorded as chosen even when the models say it breaks an SLO.
     */
    public Choice moveTo(ClusterModel cluster, String app, String to) {
        String from = cluster.deviceOf(app)
                .orElseThrow(() -> new IllegalArgumentException("app " + app + " is not placed"));
        ClusterModel without = cluster.with(app, null);
        return new Choice.Chosen(app, from, to, evaluator.evaluate(cluster, from), evaluator.evaluate(without, from),
                evaluator.evaluate(without, to), evaluator.evaluate(without.with(app, to), to));
    }

    private record Candidate(Device device, DeviceVerdict before, DeviceVerdict after) {
    }

    private Choice choose(ClusterModel cluster, String app, String from, Comparator<Candidate> preference) {
        AppDemand demand = cluster.apps().get(app);
        if (demand == null) {
            throw new IllegalArgumentException("unknown app " + app);
        }
        DeviceVerdict sourceBefore = from == null ? null : evaluator.evaluate(cluster, from);
        ClusterModel without = cluster.with(app, null);
        List<Candidate> feasible = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        for (Device device : cluster.devices()) {
            if (device.id().equals(from)) {
                continue;
            }
            if (demand.profileOn(device.type()).isEmpty()) {
                refusals.add(device.id() + ": no profile of " + demand.model() + " for " + device.type());
                continue;
            }
            DeviceVerdict after = evaluator.evaluate(without.with(app, device.id()), device.id());
            if (after.feasible()) {
                feasible.add(new Candidate(device, evaluator.evaluate(without, device.id()), after));
            } else {
                refusals.add(device.id() + ": " + after.reason());
            }
        }
        if (feasible.isEmpty()) {
            String reason = refusals.isEmpty() ? "no other device" : String.join("; ", refusals);
            return new Choice.NoTarget(app, "no device keeps every SLO (" + reason + ")", sourceBefore);
        }
        Candidate best = feasible.stream().min(preference).orElseThrow();
        DeviceVerdict sourceAfter = from == null ? null : evaluator.evaluate(without, from);
        return new Choice.Chosen(app, from, best.device().id(), sourceBefore, sourceAfter, best.before(), best.after());
    }
}
