package dev.perch.model.queueing;

import dev.perch.model.profile.AcceleratorType;

import java.util.List;

/**
 * The Ibis paper's mean-latency model (Liang et al., TAAS 2023), kept to compare Perch against:
 * on an Edge TPU, FCFS with swap probability {@code 1 − λ_i/λ} and service times treated as
 * independent ({@link FcfsSwapModel}); on a GPU, each app's own service time plus one waiting term
 * shared by all apps (Pollaczek–Khinchine over the mix), instead of processor sharing's per-app
 * slowdown. Means only: the paper has no tail model. Network and front end as in Perch.
 */
public final class IbisModel {
    private IbisModel() {
    }

    /** Per app mean end-to-end latency in input order; {@code null} when any queue is at or over capacity. */
    public static double[] meanMs(AcceleratorType type, List<AppLoad> apps, EndToEnd path) {
        double[] device = type == AcceleratorType.EDGETPU ? FcfsSwapModel.meanResponseMs(apps) : sharedWaitMs(apps);
        if (device == null) {
            return null;
        }
        double[] result = new double[apps.size()];
        for (int i = 0; i < apps.size(); i++) {
            AppLoad app = apps.get(i);
            if (app.ratePerMs() * path.frontendServiceMs() >= 1) {
                return null;
            }
            result[i] = path.networkMs() + LatencyModels.mg1MeanResponseMs(app.ratePerMs(), path.frontendServiceMs(),
                    path.frontendCv()) + device[i];
        }
        return result;
    }

    private static double[] sharedWaitMs(List<AppLoad> apps) {
        double rho = 0;
        double second = 0;
        for (AppLoad app : apps) {
            rho += app.ratePerMs() * app.serviceMs();
            second += app.ratePerMs() * app.serviceMs() * app.serviceMs() * (1 + app.serviceCv() * app.serviceCv());
        }
        if (rho >= 1) {
            return null;
        }
        double wait = second / (2 * (1 - rho));
        double[] result = new double[apps.size()];
        for (int i = 0; i < apps.size(); i++) {
            result[i] = apps.get(i).serviceMs() + wait;
        }
        return result;
    }
}
