package dev.perch.model.queueing;

import dev.perch.model.profile.AcceleratorType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Predicts every app's end-to-end latency on one accelerator — mean, p50, p95, p99 — as the network
 * time, plus the app's own front end (an M/G/1 queue per app), plus the accelerator: FCFS with swaps
 * on an Edge TPU ({@link EdgeTpuModel}), processor sharing on a GPU or CPU
 * ({@link ProcessorSharingModel}). The parts are independent queues in series.
 */
public final class LatencyModels {
    private LatencyModels() {
    }

    public static AcceleratorPrediction predict(AcceleratorType type, List<AppLoad> apps, EndToEnd path) {
        return predict(type, apps, path, type == AcceleratorType.EDGETPU ? ArrivalOrder.of(apps, path) : null);
    }

    /** As {@link #predict(AcceleratorType, List, EndToEnd)}, with the Edge TPU's arrival order given (for tests). */
    static AcceleratorPrediction predict(AcceleratorType type, List<AppLoad> apps, EndToEnd path, ArrivalOrder order) {
        double utilization = utilization(type, apps, order);
        if (utilization >= 1) {
            return new AcceleratorPrediction.Unstable(utilization,
                    String.format(Locale.ROOT, "accelerator utilization %.2f >= 1", utilization));
        }
        FrontEnd[] frontEnds = new FrontEnd[apps.size()];
        for (int i = 0; i < apps.size(); i++) {
            AppLoad app = apps.get(i);
            double frontendRho = app.ratePerMs() * path.frontendServiceMs();
            if (frontendRho >= 1) {
                return new AcceleratorPrediction.Unstable(utilization,
                        String.format(Locale.ROOT, "front end of %s at utilization %.2f >= 1", app.app(), frontendRho));
            }
            frontEnds[i] = FrontEnd.of(app.ratePerMs(), path.frontendServiceMs(), path.frontendCv());
        }
        List<AppLatency> latencies = type == AcceleratorType.EDGETPU
                ? edgeTpu(apps, order, path, frontEnds)
                : processorSharing(apps, path, frontEnds, utilization);
        if (latencies == null) {
            return new AcceleratorPrediction.Unstable(utilization,
                    String.format(Locale.ROOT, "accelerator utilization %.2f >= 1", utilization));
        }
        return new AcceleratorPrediction.Stable(utilization, latencies);
    }

    /**
     * The accelerator's predicted utilisation (offered load, swaps included on an Edge TPU) with
     * requests arriving as a Poisson stream, as behind no front end.
     */
    public static double utilization(AcceleratorType type, List<AppLoad> apps) {
        return utilization(type, apps, EndToEnd.NONE);
    }

    /**
     * The accelerator's predicted utilisation (offered load, swaps included on an Edge TPU) with
     * requests arriving through their apps' front ends on {@code path} — which make an Edge TPU swap
     * more often ({@link ArrivalOrder}).
     */
    public static double utilization(AcceleratorType type, List<AppLoad> apps, EndToEnd path) {
        return utilization(type, apps, type == AcceleratorType.EDGETPU ? ArrivalOrder.of(apps, path) : null);
    }

    /** The utilisation given the Edge TPU's arrival order ({@code null} for the other types). */
    private static double utilization(AcceleratorType type, List<AppLoad> apps, ArrivalOrder order) {
        return switch (type) {
            case EDGETPU -> EdgeTpuModel.utilization(apps, order);
            case GPU, CPU -> ProcessorSharingModel.utilization(apps);
        };
    }

    /**
     * The accelerator's utilisation and every app's end-to-end mean only, in input order — the same
     * as {@link #predict} gives, without the percentile grids, for planners whose SLOs are all on
     * the mean; the means are {@code null} when the accelerator or a front end would be unstable.
     */
    public static Means means(AcceleratorType type, List<AppLoad> apps, EndToEnd path) {
        ArrivalOrder order = type == AcceleratorType.EDGETPU ? ArrivalOrder.of(apps, path) : null;
        double utilization = utilization(type, apps, order);
        EdgeTpuModel.Sojourns sojourns = type == AcceleratorType.EDGETPU ? EdgeTpuModel.meanSojourns(apps, order) : null;
        double[] onDevice = type == AcceleratorType.EDGETPU
                ? (sojourns == null ? null : sojourns.meansMs())
                : ProcessorSharingModel.meanResponseMs(apps);
        if (onDevice == null) {
            return new Means(utilization, apps.isEmpty() ? new double[0] : null, apps.isEmpty() ? new LatencySpread[0] : null);
        }
        double[] means = new double[apps.size()];
        for (int i = 0; i < apps.size(); i++) {
            double frontendRho = apps.get(i).ratePerMs() * path.frontendServiceMs();
            if (frontendRho >= 1) {
                return new Means(utilization, null, null);
            }
            FrontEnd frontEnd = FrontEnd.of(apps.get(i).ratePerMs(), path.frontendServiceMs(), path.frontendCv());
            means[i] = path.networkMs() + frontEnd.meanMs() + onDevice[i];
        }
        return new Means(utilization, means, WindowModel.spreads(type, apps, path, order, sojourns));
    }

    /**
     * {@link #means}: the predicted utilisation, the apps' mean latencies and how they spread
     * ({@link LatencySpread}, without the percentiles' densities); both {@code null} when unstable.
     */
    public record Means(double utilization, double[] meansMs, LatencySpread[] spreads) {
    }

    private static List<AppLatency> edgeTpu(List<AppLoad> apps, ArrivalOrder order, EndToEnd path, FrontEnd[] frontEnds) {
        if (apps.isEmpty()) {
            return List.of();
        }
        double extraRange = 0;
        for (FrontEnd frontEnd : frontEnds) {
            extraRange = Math.max(extraRange, frontEnd.rangeMs());
        }
        EdgeTpuModel.Sojourns sojourns = EdgeTpuModel.sojourns(apps, order, extraRange);
        LatencySpread[] spreads = sojourns == null ? null : WindowModel.spreads(AcceleratorType.EDGETPU, apps, path, order, sojourns);
        if (spreads == null) {
            return null;
        }
        List<AppLatency> latencies = new ArrayList<>(apps.size());
        for (int i = 0; i < apps.size(); i++) {
            LatencyGrid grid = sojourns.grids()[i];
            FrontEnd frontEnd = frontEnds[i];
            grid.addExponentialWait(frontEnd.busyProbability(), frontEnd.busyWaitMeanMs());
            grid.shift(frontEnd.serviceMs());
            double network = path.networkMs();
            double device = sojourns.meansMs()[i];
            LatencyGrid.Quantiles sojourn = grid.quantiles();
            LatencySpread spread = spreads[i].withDensities(sojourn.density(0.50, 0.02), sojourn.density(0.95, 0.01),
                    sojourn.density(0.99, 0.004));
            latencies.add(new AppLatency(apps.get(i).app(), network + frontEnd.meanMs() + device,
                    network + sojourn.quantile(0.50), network + sojourn.quantile(0.95), network + sojourn.quantile(0.99),
                    device, frontEnd.meanMs(), network, spread));
        }
        return latencies;
    }

    private static List<AppLatency> processorSharing(List<AppLoad> apps, EndToEnd path, FrontEnd[] frontEnds, double rho) {
        double[] onDevice = ProcessorSharingModel.meanResponseMs(apps);
        LatencySpread[] spreads = WindowModel.spreads(AcceleratorType.GPU, apps, path, null, null);
        if (onDevice == null || spreads == null) {
            return null;
        }
        List<AppLatency> latencies = new ArrayList<>(apps.size());
        for (int i = 0; i < apps.size(); i++) {
            AppLoad app = apps.get(i);
            FrontEnd frontEnd = frontEnds[i];
            double device = onDevice[i];
            double deviceVariance = ProcessorSharingModel.varianceMs2(apps, rho, app);
            double network = path.networkMs();
            LatencySpread spread;
            double p50;
            double p95;
            double p99;
            if (frontEnd.serviceMs() > 0) {
                LatencyGrid.Quantiles sojourn = processorSharingSojourn(device, deviceVariance, frontEnd, path.frontendCv())
                        .quantiles();
                spread = spreads[i].withDensities(sojourn.density(0.50, 0.02), sojourn.density(0.95, 0.01),
                        sojourn.density(0.99, 0.004));
                p50 = sojourn.quantile(0.50);
                p95 = sojourn.quantile(0.95);
                p99 = sojourn.quantile(0.99);
            } else {
                spread = spreads[i].withDensities(Gamma.density(device, deviceVariance, 0.50),
                        Gamma.density(device, deviceVariance, 0.95), Gamma.density(device, deviceVariance, 0.99));
                p50 = Gamma.quantile(device, deviceVariance, 0.50);
                p95 = Gamma.quantile(device, deviceVariance, 0.95);
                p99 = Gamma.quantile(device, deviceVariance, 0.99);
            }
            latencies.add(new AppLatency(app.app(), network + device + frontEnd.meanMs(), network + p50, network + p95,
                    network + p99, device, frontEnd.meanMs(), network, spread));
        }
        return latencies;
    }

    /**
     * Front end then accelerator, as two queues in series: the time on the device (the gamma fitted
     * to its processor-sharing mean and variance) convolved with the front end's wait (none with
     * probability 1−ρ, else exponential) and its service (the three points of its CV). One gamma
     * fitted to the sum's mean and variance would take the front end's nearly constant service for
     * spread and give the sum the tail of a far larger shape: the device's tail, which decides the
     * p99 and what lies past it, would come out too light.
     */
    private static LatencyGrid processorSharingSojourn(double deviceMs, double deviceVarianceMs2, FrontEnd frontEnd,
                                                       double frontendCv) {
        double rangeMs = Gamma.quantile(deviceMs, deviceVarianceMs2, 0.9999) + frontEnd.rangeMs() + 1e-9;
        LatencyGrid grid = new LatencyGrid(rangeMs / (EdgeTpuModel.POINTS - 1), EdgeTpuModel.POINTS);
        grid.addGamma(deviceMs, deviceVarianceMs2, 1);
        grid.addExponentialWait(frontEnd.busyProbability(), frontEnd.busyWaitMeanMs());
        grid.addService(frontEnd.serviceMs(), frontendCv);
        return grid;
    }

    /** Pollaczek–Khinchine: mean response of an M/G/1 FCFS queue; caller ensures λS < 1. */
    static double mg1MeanResponseMs(double ratePerMs, double serviceMs, double cv) {
        return FrontEnd.of(ratePerMs, serviceMs, cv).meanMs();
    }

    /**
     * An app's own front end as an M/G/1 FCFS queue: wait zero with probability 1−ρ, else
     * approximately exponential with the Pollaczek–Khinchine mean.
     */
    record FrontEnd(double serviceMs, double busyProbability, double meanWaitMs) {
        static FrontEnd of(double ratePerMs, double serviceMs, double cv) {
            if (serviceMs <= 0) {
                return new FrontEnd(0, 0, 0);
            }
            double rho = ratePerMs * serviceMs;
            double second = serviceMs * serviceMs * (1 + cv * cv);
            return new FrontEnd(serviceMs, rho, ratePerMs * second / (2 * (1 - rho)));
        }

        double meanMs() {
            return meanWaitMs + serviceMs;
        }

        double busyWaitMeanMs() {
            return busyProbability > 0 ? meanWaitMs / busyProbability : 0;
        }

        /** Room a grid needs to hold this front end's 99.9th percentile. */
        double rangeMs() {
            return serviceMs * 1.5 + busyWaitMeanMs() * Math.log(1000);
        }
    }
}
