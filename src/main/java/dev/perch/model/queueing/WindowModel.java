package dev.perch.model.queueing;

import dev.perch.model.profile.AcceleratorType;

import java.util.List;

/**
 * How each app's latency on one accelerator varies, in closed form ({@link LatencySpread}): the
 * variance of one request's latency, and how strongly and for how long the congestion of its
 * queues makes the latencies of requests close in time alike — what decides how far an SLO statistic
 * over a window of W seconds strays from the steady-state prediction.
 *
 * <p><b>First come first served</b> (an Edge TPU, a front end). For the sojourn times T_k of
 * successive requests, Lindley's recursion couples two copies of the queue that start from
 * different states: a request that spends t more time than another shifts the sojourns of the
 * requests after it by {@code (t + m_l)⁺}, where m_l is the running minimum of the random walk
 * Σ(X − A) of services less exponential gaps. The walk first falls below −y after
 * {@code 1 + λy/(1−ρ)} requests on average (Wald's identity; the gap that crosses overshoots by an
 * exponential of mean 1/λ), so {@code Σ_{l>k} E[T_l | T_k = t] − E[T_l] = λt²/(2(1−ρ)) + const},
 * and the sum of the covariances of one request of app i with the later requests of app i (a share
 * λ_i/λ of them) is {@code λ_i·Cov(T_i, T_i²)/(2(1−ρ))}. The mean of N = λ_i·W requests therefore
 * has variance {@code Var(T_i)/N + Cov(T_i, T_i²)/((1−ρ)·W)}, exact for M/G/1 as W grows (for M/M/1
 * waits the same coupling gives Daley's asymptotic variance ρ(2+5ρ−4ρ²+ρ³)/(μ²(1−ρ)⁴)). The
 * moments are Takács' for the M/G/1 wait; on an Edge TPU, whose service depends on the request
 * before (a swap) as the wait does, they come from the workload's level-crossing balance with both
 * taken by predecessor ({@link #edgeTpuWait}), in the arrival order of {@link ArrivalOrder}, the
 * mean wait being the Edge TPU model's own. The correlation time τ, which
 * decides how much of the congestion a shorter window still sees, is set so that a window much
 * shorter than τ sees all of the wait's variance: {@code τ = area / (2·Var(W))}; near saturation
 * it is the heavy-traffic (reflected Brownian motion) relaxation time λE[S²]/(1−ρ)².
 *
 * <p><b>Processor sharing</b> (a GPU or CPU). The workload is that of the same queue served first
 * come first served, but a request's stretch is proportional to its own size: in M/G/1-PS the jobs
 * present have independent residual sizes of mean E[S²]/(2E[S]), so the number present is the
 * workload over that mean, and app i's congestion delay, x_i·N on average, moves with the workload
 * scaled by {@code x_iρ/(1−ρ) / E[W_FCFS]}. The area is the first-come-first-served one scaled by
 * the square of that ratio. (For M/M/1 the two disciplines share the queue-length process, so by
 * Little's law their sample means of sojourn times have the same asymptotic variance; this area is
 * 9 % above what that leaves beside PS's own sojourn variance at ρ = 0.5, and exact as ρ → 1.)
 */
public final class WindowModel {
    private WindowModel() {
    }

    /** Every app's spread, in input order; {@code null} when the accelerator or a front end is unstable. */
    static LatencySpread[] spreads(AcceleratorType type, List<AppLoad> apps, EndToEnd path, ArrivalOrder order,
                                   EdgeTpuModel.Sojourns sojourns) {
        int n = apps.size();
        double lambda = 0;
        for (AppLoad app : apps) {
            lambda += app.ratePerMs();
        }
        double[][] perApp = new double[n][]; // each app's own service: raw moments 1..4
        double[] all = new double[5];         // every request's service: raw moments 0..4 (weights)
        for (int c = 0; c < n; c++) {
            AppLoad app = apps.get(c);
            double q = lambda > 0 ? app.ratePerMs() / lambda : 0;
            double[] own = new double[5];
            if (type == AcceleratorType.EDGETPU) {
                for (int prev = 0; prev < n; prev++) {
                    double w = order.predecessor(c, prev);
                    boolean same = apps.get(prev).model().equals(app.model());
                    addMoments(own, w, same ? app.serviceMs() : app.serviceMs() + app.swapMs(), app.serviceCv());
                }
            }
            if (own[0] < 1e-9) { // alone, or no requests to follow: plain service
                own = new double[5];
                addMoments(own, 1, app.serviceMs(), app.serviceCv());
            } else {
                double total = own[0];
                for (int k = 0; k < 5; k++) {
                    own[k] /= total;
                }
            }
            perApp[c] = own;
            for (int k = 0; k < 5; k++) {
                all[k] += q * own[k];
            }
        }
        double rho = lambda * all[1];
        if (rho >= 1) {
            return null;
        }
        double[] wait = waitMoments(lambda, rho, all);
        if (sojourns != null && sojourns.meanWaitMs() > 0) {
            wait = edgeTpuWait(apps, order, sojourns, lambda);
        }
        double waitVariance = central2(wait);
        double waitThird = central3(wait);
        LatencySpread[] spreads = new LatencySpread[n];
        for (int i = 0; i < n; i++) {
            AppLoad app = apps.get(i);
            double deviceVariance;
            double deviceThird;
            LatencySpread.Congestion device;
            if (type == AcceleratorType.EDGETPU) {
                double[] sojourn = edgeTpuSojourn(apps, i, order, sojourns, wait);
                deviceVariance = central2(sojourn);
                deviceThird = central3(sojourn);
                device = congestion(covarianceWithSquare(sojourn) / (1 - rho), waitVariance, waitThird);
            } else {
                double scale = wait[1] > 0 ? app.serviceMs() * rho / (1 - rho) / wait[1] : 0;
                double mean = app.serviceMs() / (1 - rho);
                deviceVariance = ProcessorSharingModel.varianceMs2(apps, rho, app);
                deviceThird = 2 * deviceVariance * deviceVariance / mean; // the gamma its percentiles come from
                device = congestion(scale * scale * covarianceWithSquare(sum(wait, all)) / (1 - rho),
                        scale * scale * waitVariance, scale * scale * scale * waitThird);
            }
            double frontendVariance = 0;
            double frontendThird = 0;
            LatencySpread.Congestion frontend = LatencySpread.Congestion.NONE;
            if (path.frontendServiceMs() > 0) {
                double rate = app.ratePerMs();
                double[] service = new double[5];
                addMoments(service, 1, path.frontendServiceMs(), path.frontendCv());
                double frontendRho = rate * service[1];
                if (frontendRho >= 1) {
                    return null;
                }
                double[] frontendWait = waitMoments(rate, frontendRho, service);
                double[] sojourn = sum(frontendWait, service);
                frontendVariance = central2(sojourn);
                frontendThird = central3(sojourn);
                frontend = congestion(covarianceWithSquare(sojourn) / (1 - frontendRho), central2(frontendWait),
                        central3(frontendWait));
            }
            spreads[i] = new LatencySpread(app.ratePerSec(), deviceVariance + frontendVariance, deviceThird + frontendThird,
                    device, frontend, Double.NaN, Double.NaN, Double.NaN);
        }
        return spreads;
    }

    /**
     * Raw moments 0..3 of app i's time on an Edge TPU, wait plus service, by its predecessor's app c:
     * after c the request swaps or not, and waits {@code E[W] + δ_c} on average — a long request
     * before it means a long wait, a request of another model a swap, so the two are not
     * independent. The wait after c is taken as the stationary wait with its probability of waiting
     * scaled to that mean (all its moments scaled alike).
     */
    private static double[] edgeTpuSojourn(List<AppLoad> apps, int i, ArrivalOrder order, EdgeTpuModel.Sojourns sojourns,
                                           double[] wait) {
        AppLoad app = apps.get(i);
        double[] t = new double[5];
        double[] x = new double[5];
        double weights = 0;
        for (int c = 0; c < apps.size(); c++) {
            double w = apps.size() == 1 ? 1 : order.predecessor(i, c);
            if (w <= 0) {
                continue;
            }
            weights += w;
            java.util.Arrays.fill(x, 0);
            boolean same = apps.get(c).model().equals(app.model());
            addMoments(x, 1, same ? app.serviceMs() : app.serviceMs() + app.swapMs(), app.serviceCv());
            double s = wait[1] > 0 ? Math.max(0, (wait[1] + sojourns.waitShiftMs()[c]) / wait[1]) : 0;
            t[1] += w * (s * wait[1] + x[1]);
            t[2] += w * (s * wait[2] + 2 * s * wait[1] * x[1] + x[2]);
            t[3] += w * (s * wait[3] + 3 * s * wait[2] * x[1] + 3 * s * wait[1] * x[2] + x[3]);
        }
        if (weights <= 0) {
            return sum(wait, plain(app));
        }
        for (int k = 1; k < 4; k++) {
            t[k] /= weights;
        }
        t[0] = 1;
        return t;
    }

    /**
     * Raw moments 0..3 of an Edge TPU's wait. A request waits what its arrival finds, and the
     * workload's level-crossing balance (Brumelle) gives {@code E[W^n] = λ/(n+1)·E[(W+X)^(n+1) − W^(n+1)]}
     * for its own service X — which depends on its predecessor, as does its wait. With the wait after
     * a predecessor of app c taken as the stationary wait reweighted by {@code s_c = (E[W]+δ_c)/E[W]}
     * (as in {@link #edgeTpuSojourn}), and the mean wait the Edge TPU model's own, the second and
     * third moments follow in closed form; with independent services this is Takács' recursion.
     */
    private static double[] edgeTpuWait(List<AppLoad> apps, ArrivalOrder order, EdgeTpuModel.Sojourns sojourns,
                                        double lambda) {
        int n = apps.size();
        double w1 = sojourns.meanWaitMs();
        double[] k = new double[5]; // K_m = E[s·X^m] over every request
        double[] x = new double[5];
        for (int i = 0; i < n; i++) {
            AppLoad app = apps.get(i);
            double q = app.ratePerMs() / lambda;
            for (int c = 0; c < n; c++) {
                double w = n == 1 ? 1 : order.predecessor(i, c);
                if (w <= 0) {
                    continue;
                }
                java.util.Arrays.fill(x, 0);
                boolean same = apps.get(c).model().equals(app.model());
                addMoments(x, 1, same ? app.serviceMs() : app.serviceMs() + app.swapMs(), app.serviceCv());
                double s = Math.max(0, (w1 + sojourns.waitShiftMs()[c]) / w1);
                for (int m = 1; m < 5; m++) {
                    k[m] += q * w * s * x[m];
                }
            }
        }
        double[] all = new double[5]; // unweighted service moments, for the last term
        for (int i = 0; i < n; i++) {
            AppLoad app = apps.get(i);
            for (int c = 0; c < n; c++) {
                double w = n == 1 ? 1 : order.predecessor(i, c);
                boolean same = apps.get(c).model().equals(app.model());
                addMoments(all, app.ratePerMs() / lambda * w, same ? app.serviceMs() : app.serviceMs() + app.swapMs(),
                        app.serviceCv());
            }
        }
        double denominator = 1 - lambda * k[1];
        if (denominator <= 0) {
            return waitMoments(lambda, lambda * all[1], all);
        }
        double w2 = lambda * (w1 * k[2] + all[3] / 3) / denominator;
        double w3 = lambda * (1.5 * w2 * k[2] + w1 * k[3] + all[4] / 4) / denominator;
        return new double[]{1, w1, Math.max(w2, w1 * w1), w3, 0};
    }

    private static double[] plain(AppLoad app) {
        double[] x = new double[5];
        addMoments(x, 1, app.serviceMs(), app.serviceCv());
        return x;
    }

    /**
     * Adds {@code weight} × the raw moments 0..4 of a service of mean x and coefficient of variation
     * cv — the three points (weights 1/6, 2/3, 1/6) used throughout the models — into {@code moments}.
     */
    private static void addMoments(double[] moments, double weight, double x, double cv) {
        // The three points one by one, not in arrays: the planner calls this millions of times in
        // a pass, and the arrays were most of an alert's answer's garbage (same sums, same order).
        double offset = Math.sqrt(3) * cv * x;
        addPower(moments, weight * (1.0 / 6), Math.max(0, x - offset));
        addPower(moments, weight * (4.0 / 6), x);
        addPower(moments, weight * (1.0 / 6), x + offset);
    }

    /** Adds {@code weighted · point^k} to raw moment k, k = 0..4. */
    private static void addPower(double[] moments, double weighted, double point) {
        double power = 1;
        for (int k = 0; k < 5; k++) {
            moments[k] += weighted * power;
            power *= point;
        }
    }

    /** Takács' recursion: raw moments 0..3 of the M/G/1 wait from the service's raw moments 1..4. */
    private static double[] waitMoments(double lambda, double rho, double[] s) {
        double f = lambda / (1 - rho);
        double w1 = f * s[2] / 2;
        double w2 = f * (s[2] * w1 + s[3] / 3);
        double w3 = f * (1.5 * s[2] * w2 + s[3] * w1 + s[4] / 4);
        return new double[]{1, w1, w2, w3, 0};
    }

    /** Raw moments 0..3 of the sum of two independent variables with raw moments {@code a} and {@code b}. */
    private static double[] sum(double[] a, double[] b) {
        return new double[]{1, a[1] + b[1], a[2] + 2 * a[1] * b[1] + b[2],
                a[3] + 3 * a[2] * b[1] + 3 * a[1] * b[2] + b[3], 0};
    }

    /**
     * A queue's congestion from its area, the variance and third central moment of its wait: the
     * correlation time is what makes a short window see the wait's whole variance.
     */
    private static LatencySpread.Congestion congestion(double area, double waitVariance, double waitThird) {
        if (!(area > 0)) {
            return LatencySpread.Congestion.NONE;
        }
        return new LatencySpread.Congestion(area, waitVariance > 0 ? area / (2 * waitVariance) : 0, Math.max(waitThird, 0));
    }

    private static double central2(double[] t) {
        return Math.max(t[2] - t[1] * t[1], 0);
    }

    private static double central3(double[] t) {
        return t[3] - 3 * t[1] * t[2] + 2 * t[1] * t[1] * t[1];
    }

    /** {@code Cov(T, T²) = E[T³] − E[T]·E[T²]} from raw moments. */
    private static double covarianceWithSquare(double[] t) {
        return t[3] - t[1] * t[2];
    }
}
