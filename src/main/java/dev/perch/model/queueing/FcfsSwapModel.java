package dev.perch.model.queueing;

import java.util.List;

/**
 * Mean response time on an Edge TPU: one request at a time, first come first served, with a swap
 * when the model changes — the model of Liang et al. (TAAS 2023, §4): a request of app i swaps with
 * probability {@code p_i = 1 − λ_m/λ}, λ_m the rate of all requests for app i's model; the accelerator is an M/G/1 queue whose service time is the
 * mixture of every app's with-swap and without-swap times; every app waits the same
 * Pollaczek–Khinchine time {@code W = λ·E[S²] / (2(1−ρ))} and is then served for
 * {@code S_i + p_i·O_i} on average.
 */
public final class FcfsSwapModel {
    private FcfsSwapModel() {
    }

    /** Offered load ρ = Σ λ_i (S_i + p_i O_i). */
    public static double utilization(List<AppLoad> apps) {
        double total = totalRatePerMs(apps);
        double rho = 0;
        for (AppLoad app : apps) {
            rho += app.ratePerMs() * meanServiceMs(app, total, modelRatePerMs(apps, app));
        }
        return rho;
    }

    /**
     * Per app mean time on the accelerator (queueing plus service), in input order; {@code null}
     * when ρ ≥ 1.
     */
    public static double[] meanResponseMs(List<AppLoad> apps) {
        double total = totalRatePerMs(apps);
        double rho = 0;
        double secondMoment = 0; // Σ λ_i E[S_i²], so that λ·E[S²] needs no division by λ
        for (AppLoad app : apps) {
            double p = swapProbability(total, modelRatePerMs(apps, app));
            double plain = app.serviceMs();
            double swapped = app.serviceMs() + app.swapMs();
            double variance = Math.pow(app.serviceCv() * app.serviceMs(), 2);
            rho += app.ratePerMs() * meanServiceMs(app, total, modelRatePerMs(apps, app));
            secondMoment += app.ratePerMs() * (p * swapped * swapped + (1 - p) * plain * plain + variance);
        }
        if (rho >= 1) {
            return null;
        }
        double waitMs = secondMoment / (2 * (1 - rho));
        double[] result = new double[apps.size()];
        for (int i = 0; i < apps.size(); i++) {
            result[i] = waitMs + meanServiceMs(apps.get(i), total, modelRatePerMs(apps, apps.get(i)));
        }
        return result;
    }

    static double meanServiceMs(AppLoad app, double totalRatePerMs, double modelRatePerMs) {
        return app.serviceMs() + swapProbability(totalRatePerMs, modelRatePerMs) * app.swapMs();
    }

    /** The chance the request served just before one of a model's was for another model. */
    static double swapProbability(double totalRatePerMs, double modelRatePerMs) {
        return totalRatePerMs <= 0 ? 0 : 1 - modelRatePerMs / totalRatePerMs;
    }

    private static double modelRatePerMs(List<AppLoad> apps, AppLoad app) {
        double rate = 0;
        for (AppLoad other : apps) {
            if (other.model().equals(app.model())) {
                rate += other.ratePerMs();
            }
        }
        return rate;
    }

    private static double totalRatePerMs(List<AppLoad> apps) {
        return apps.stream().mapToDouble(AppLoad::ratePerMs).sum();
    }
}
