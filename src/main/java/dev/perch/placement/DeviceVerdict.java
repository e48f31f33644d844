package dev.perch.placement;

import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.AppLatency;

import java.util.List;

/**
 * Whether one device, with a given set of apps, satisfies the hard constraints, and the predicted
 * latency of every app on it. {@code reason} says, in SLO terms, why it does not.
 */
public record DeviceVerdict(String device, boolean feasible, String reason, double utilization,
                            List<AppVerdict> apps) {
    public DeviceVerdict {
        apps = List.copyOf(apps);
    }

    /**
     * Smallest relative SLO slack over the device's apps, {@code 1 − windowed/SLO} with the windowed
     * statistic at the policy's compliance ({@link AppVerdict#windowedMs}); negative when an app's
     * promise is broken, {@code −∞} when the device is unstable.
     */
    public double minSlack() {
        return apps.stream().mapToDouble(AppVerdict::slack).min().orElse(1.0);
    }

    /**
     * One app's predicted latency on the device against its SLO; {@code latency} is null when the
     * device is infeasible before any latency could be predicted (unstable, memory, no profile), and
     * then the windowed figures are NaN. {@code windowedMs} is the value the app's SLO statistic over
     * its {@code sloWindowSec} stays at or under in the share of windows the planner holds the model to
     * ({@link PlacementPolicy#plannedWindowCompliance}), and
     * {@code shareOver} the predicted share of its windows over the SLO.
     */
    public record AppVerdict(String app, AppLatency latency, double sloMs, SloStatistic sloStatistic, int sloWindowSec,
                             double windowedMs, double shareOver) {
        /** The predicted value of the statistic the SLO names, or null. */
        public Double predictedMs() {
            return latency == null ? null : latency.statistic(sloStatistic);
        }

        /** The steady-state prediction of the SLO's statistic is within the SLO. */
        public boolean sloMet() {
            return latency != null && latency.statistic(sloStatistic) <= sloMs;
        }

        public double slack() {
            return latency == null ? Double.NEGATIVE_INFINITY : 1 - windowedMs / sloMs;
        }
    }
}
