package dev.perch.model.queueing;

import java.util.List;
import java.util.Optional;

/**
 * What the models predict for every app on one accelerator. A queue whose load reaches its capacity
 * has no steady state: it is reported {@link Unstable}, never as NaN, a negative or a huge number.
 */
public sealed interface AcceleratorPrediction {
    /** Offered load of the accelerator: the share of time it is busy. */
    double utilization();

    /** Every queue on the path is below capacity; {@code apps} are in input order. */
    record Stable(double utilization, List<AppLatency> apps) implements AcceleratorPrediction {
        public Stable {
            apps = List.copyOf(apps);
        }

        public Optional<AppLatency> app(String app) {
            return apps.stream().filter(a -> a.app().equals(app)).findFirst();
        }
    }

    /** Some queue on the path (the accelerator or a front end) is at or over capacity. */
    record Unstable(double utilization, String reason) implements AcceleratorPrediction {
    }
}
