package dev.perch.placement;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.SloStatistic;

import java.util.Map;
import java.util.Optional;

/**
 * One app as the planner sees it: its current request rate (learned, or expected when nothing is
 * learned yet), its SLO (a bound on a statistic over a window of {@code sloWindowSec}), and what its model costs on each accelerator type it can run on.
 */
public record AppDemand(String app, String model, double ratePerSec, double sloMs, SloStatistic sloStatistic,
                        int sloWindowSec, Map<AcceleratorType, ModelProfile> profiles) {
    public AppDemand {
        profiles = Map.copyOf(profiles);
    }

    public Optional<ModelProfile> profileOn(AcceleratorType type) {
        return Optional.ofNullable(profiles.get(type));
    }

    public AppDemand withRate(double newRatePerSec) {
        return new AppDemand(app, model, newRatePerSec, sloMs, sloStatistic, sloWindowSec, profiles);
    }
}
