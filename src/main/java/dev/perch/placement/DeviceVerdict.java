package dev.perch.placement;

import dev.perch.model.profile.SloStatistic;

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
     * Smallest relative SLO slack over the device's apps, {@code 1 − predicted/SLO}; negative when an
     * SLO is broken, {@code −∞} when the device is unstable.
     */
    public double minSlack() {
        return apps.stream().mapToDouble(AppVerdict::slack).min().orElse(1.0);
    }

    /** One app's predicted latency on the device; {@code meanMs} is null when the device is unstable. */
    public record AppVerdict(String app, Double meanMs, double sloMs, SloStatistic sloStatistic) {
        public boolean sloMet() {
            return meanMs != null && meanMs <= sloMs;
        }

        public double slack() {
            return meanMs == null ? Double.NEGATIVE_INFINITY : 1 - meanMs / sloMs;
        }
    }
}
