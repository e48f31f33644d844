package dev.perch.model.queueing;

import java.util.List;

/**
 * Response time on a GPU or CPU shared by concurrent processes, as an M/G/1 processor-sharing queue.
 * The mean is exact for any service distribution: each app's own service time stretched by the
 * common slowdown {@code 1/(1−ρ)} (Kleinrock 1976, §4.4). The variance of a job of size x is the
 * M/M/1-PS one (Coffman, Muntz and Trotter 1970), with μ taken from the mix's mean service time;
 * percentiles come from a gamma distribution with that mean and variance.
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

    /**
     * Variance of the time on the device of a job of size {@code x} ms (its own service variability
     * added), M/M/1-PS with service rate μ = λ/ρ.
     */
    static double varianceMs2(List<AppLoad> apps, double rho, AppLoad app) {
        double lambda = apps.stream().mapToDouble(AppLoad::ratePerMs).sum();
        double own = Math.pow(app.serviceCv() * app.serviceMs() / (1 - rho), 2);
        if (rho <= 0 || lambda <= 0) {
            return own;
        }
        double mu = lambda / rho;
        double x = mu * app.serviceMs();
        double oneMinus = 1 - rho;
        double variance = (2 * rho * x / Math.pow(oneMinus, 3)
                - 2 * rho * (1 - Math.exp(-oneMinus * x)) / Math.pow(oneMinus, 4)) / (mu * mu);
        return Math.max(variance, 0) + own;
    }
}
