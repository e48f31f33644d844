package dev.perch.model.queueing;

import dev.perch.model.profile.AcceleratorType;

import java.util.ArrayList;
import java.util.List;

/**
 * Predicts every app's mean end-to-end latency on one accelerator: network, the app's own front end
 * (an M/G/1 queue per app), then the accelerator — FCFS with swaps on an Edge TPU, processor sharing
 * on a GPU or CPU.
 */
public final class LatencyModels {
    private LatencyModels() {
    }

    public static AcceleratorPrediction predict(AcceleratorType type, List<AppLoad> apps, EndToEnd path) {
        double utilization = switch (type) {
            case EDGETPU -> FcfsSwapModel.utilization(apps);
            case GPU, CPU -> ProcessorSharingModel.utilization(apps);
        };
        double[] onDevice = switch (type) {
            case EDGETPU -> FcfsSwapModel.meanResponseMs(apps);
            case GPU, CPU -> ProcessorSharingModel.meanResponseMs(apps);
        };
        if (onDevice == null) {
            return new AcceleratorPrediction.Unstable(utilization,
                    String.format("accelerator utilization %.2f >= 1", utilization));
        }
        List<AppLatency> latencies = new ArrayList<>(apps.size());
        for (int i = 0; i < apps.size(); i++) {
            AppLoad app = apps.get(i);
            double frontendMs = 0;
            if (path.frontendServiceMs() > 0) {
                double frontendRho = app.ratePerMs() * path.frontendServiceMs();
                if (frontendRho >= 1) {
                    return new AcceleratorPrediction.Unstable(utilization,
                            String.format("front end of %s at utilization %.2f >= 1", app.app(), frontendRho));
                }
                frontendMs = mg1MeanResponseMs(app.ratePerMs(), path.frontendServiceMs(), path.frontendCv());
            }
            latencies.add(new AppLatency(app.app(), path.networkMs() + frontendMs + onDevice[i], onDevice[i],
                    frontendMs, path.networkMs()));
        }
        return new AcceleratorPrediction.Stable(utilization, latencies);
    }

    /** Pollaczek–Khinchine: mean response of an M/G/1 FCFS queue; caller ensures λS < 1. */
    static double mg1MeanResponseMs(double ratePerMs, double serviceMs, double cv) {
        double rho = ratePerMs * serviceMs;
        double secondMoment = serviceMs * serviceMs * (1 + cv * cv);
        return ratePerMs * secondMoment / (2 * (1 - rho)) + serviceMs;
    }
}
