package dev.perch.model.queueing;

import java.util.List;

/**
 * Mean response time on a GPU or CPU shared by concurrent processes: an M/G/1 processor-sharing
 * queue, where each app's mean is its own service time stretched by the common slowdown
 * {@code 1/(1−ρ)} — exact for any service-time distribution (Kleinrock 1976, §4.4).
 */
public final class ProcessorSharingModel {
    private ProcessorSharingModel() {
    }

    public static double utilization(List<AppLoad> apps) {
        return apps.stream().mapToDouble(a -> a.ratePerMs() * a.serviceMs()).sum();
    }

    /** Per app mean time on the device, in input order; {@code null} when ρ ≥ 1. */
    public static double[] meanResponseMs(List<AppLoad> apps) {
        double rho = utilization(apps);
        if (rho >= 1) {
            return null;
        }
        double[] result = new double[apps.size()];
        for (int i = 0; i < apps.size(); i++) {
            result[i] = apps.get(i).serviceMs() / (1 - rho);
        }
        return result;
    }
}
