package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides how far an app's predicted latency may be off because its parameters are estimates: their
 * standard errors propagated to the latency by the delta method, Var(L) ≈ Σ (∂L/∂θ)²·Var(θ), with
 * the partial derivatives those of the textbook formula each model refines rather than of the full
 * models — so that it costs no extra evaluation of them on a window (LatencyUncertaintyTest holds it
 * to the full models' numerical derivatives).
 *
 * <p>An app's latency is its path outside the accelerator, its own time on the device s̄ = S + O·f (f
 * the share of its requests that swap: on an Edge TPU, one minus its model's share of the arrivals),
 * and a wait Q. Its own time adds to its latency once, besides its part in the wait.
 * <ul>
 *   <li>The mean on an Edge TPU (first come, first served): every app waits alike, and
 *   Pollaczek–Khinchine gives the wait as W = R/(1 − ρ) with R = Σλᵢ·E[s̄ᵢ²]/2 and ρ = Σλᵢ·s̄ᵢ, so
 *   ∂ln W/∂λᵢ = E[s̄ᵢ²]/(2R) + s̄ᵢ/(1 − ρ) and ∂ln W/∂Sᵢ = λᵢ·s̄ᵢ(1 + cvᵢ²)/R + λᵢ/(1 − ρ) (times f
 *   for Oᵢ). A heavy neighbour's rate moves a light app's wait by its share of R, not of ρ.</li>
 *   <li>Percentiles, and every statistic on a shared GPU or CPU (processor sharing, latency
 *   s̄/(1 − ρ)): the wait part moves with ρ as Q/(ρ(1 − ρ)), and on a GPU or CPU the app's own service
 *   time scales the whole of its latency.</li>
 * </ul>
 * The front end's own queue and the service-time spread's error are left out: the front end's rate is
 * the app's own, its error small beside the accelerator's, and the spread's error moves the latency
 * less than the load's.
 *
 * @param arrivals            who shares the accelerator, and how busy it is
 * @param residualWork        Edge TPU: R, in ms
 * @param logWaitVariance     Edge TPU: Var(ln W); NaN when a parameter's error is unknown
 * @param utilizationVariance GPU/CPU: Var(ρ); NaN likewise
 */
record LatencyUncertainty(Arrivals arrivals, double residualWork, double logWaitVariance, double utilizationVariance) {
    /** The accelerator's variances, or null when it is predicted unstable. */
    static LatencyUncertainty of(AcceleratorType type, List<Predictions.Modelled> apps, AcceleratorPrediction now) {
        if (!(now instanceof AcceleratorPrediction.Stable) || !(now.utilization() < 1)) {
            return null;
        }
        Arrivals arrivals = Arrivals.of(type, now.utilization(), apps);
        double rho = arrivals.utilization();
        double residual = 0;
        for (Predictions.Modelled app : apps) {
            residual += perMs(app) * arrivals.secondMoment(app) / 2;
        }
        double logWait = 0;
        double utilizationVariance = 0;
        for (Predictions.Modelled app : apps) {
            double occupancy = arrivals.occupancy(app);
            double rateVariance = square(app.rate().standardErrorPerSec() / 1000);
            double ownVariance = arrivals.ownTimeVariance(app);
            double byRate = residual > 0 ? arrivals.secondMoment(app) / (2 * residual) + occupancy / (1 - rho) : 0;
            double byService = arrivals.serviceGradient(app, residual);
            logWait += byRate * byRate * rateVariance + byService * byService * ownVariance;
            utilizationVariance += occupancy * occupancy * rateVariance + square(perMs(app)) * ownVariance;
        }
        return new LatencyUncertainty(arrivals, residual, logWait, utilizationVariance);
    }

    /**
     * The standard error of the app's predicted {@code statistic} (before the bias), or NaN when a
     * parameter's error is unknown. {@code latency} is the app's prediction now.
     */
    double standardErrorMs(Predictions.Modelled app, AppLatency latency, SloStatistic statistic) {
        double valueMs = latency.statistic(statistic);
        double pathMs = latency.meanMs() - latency.acceleratorMeanMs();
        double waitMs = Math.max(0, valueMs - pathMs - arrivals.occupancy(app));
        // The app's own time on the device, S + O·f, adds to its latency besides its part in the wait.
        double ownVariance = arrivals.ownTimeVariance(app);
        boolean edgeTpu = arrivals.type() == AcceleratorType.EDGETPU;
        if (edgeTpu && statistic == SloStatistic.MEAN) {
            // Var(Q·ln W + S): the app's own service time is both in W and added once.
            double byService = arrivals.serviceGradient(app, residualWork);
            return Math.sqrt(waitMs * waitMs * logWaitVariance + ownVariance + 2 * waitMs * byService * ownVariance);
        }
        double rho = arrivals.utilization();
        double byLoad = rho > 0 ? waitMs / (rho * (1 - rho)) : 0;
        double direct = edgeTpu ? 1 : Math.max(0, valueMs - pathMs) / app.service().serviceMs();
        // Cov(ρ, S) = λ·Var(S): the app's own service time is in ρ too.
        return Math.sqrt(byLoad * byLoad * utilizationVariance + direct * direct * ownVariance
                + 2 * byLoad * direct * perMs(app) * ownVariance);
    }

    /**
     * The standard error after the bias correction {@code factor}, whose ratio has standard error
     * {@code biasStdErr}: the product's, when the correction is applied (a factor of 1 is none).
     */
    static double corrected(double valueMs, double standardErrorMs, double factor, double biasStdErr) {
        double scaled = factor * standardErrorMs;
        if (factor == 1 || !Double.isFinite(biasStdErr)) {
            return scaled;
        }
        return Math.sqrt(scaled * scaled + square(valueMs * biasStdErr));
    }

    /**
     * Who shares the accelerator: its type and utilisation ρ, the apps' arrival rate in all and per
     * model (per ms) — what every app's own time on the device and its part in the wait follow from.
     */
    record Arrivals(AcceleratorType type, double utilization, double totalPerMs, Map<String, Double> perMsByModel) {
        static Arrivals of(AcceleratorType type, double utilization, List<Predictions.Modelled> apps) {
            double total = 0;
            Map<String, Double> byModel = new HashMap<>();
            for (Predictions.Modelled app : apps) {
                total += perMs(app);
                byModel.merge(app.history().model(), perMs(app), Double::sum);
            }
            return new Arrivals(type, utilization, total, byModel);
        }

        /**
         * The share of the app's requests that swap: those served after another model's, which in first
         * come, first served order is that model's share of the arrivals.
         */
        double swapShare(Predictions.Modelled app) {
            return type == AcceleratorType.EDGETPU && totalPerMs > 0
                    ? 1 - perMsByModel.getOrDefault(app.history().model(), 0.0) / totalPerMs : 0;
        }

        /** s̄ = S + O·f: the app's mean time on the device. */
        double occupancy(Predictions.Modelled app) {
            return app.service().serviceMs() + app.service().modelSwapMs() * swapShare(app);
        }

        /** Var(S + O·f) from the service and swap times' errors (a swap that never happens adds none). */
        double ownTimeVariance(Predictions.Modelled app) {
            double f = swapShare(app);
            return square(app.service().serviceStdErrMs()) + (f == 0 ? 0 : f * f * square(app.service().swapStdErrMs()));
        }

        double secondMoment(Predictions.Modelled app) {
            double cv = app.service().serviceCv();
            return square(occupancy(app)) * (1 + cv * cv);
        }

        /** ∂ln W/∂S of the app on an Edge TPU, R the residual work. */
        double serviceGradient(Predictions.Modelled app, double residual) {
            if (residual <= 0) {
                return 0;
            }
            double cv = app.service().serviceCv();
            return perMs(app) * occupancy(app) * (1 + cv * cv) / residual + perMs(app) / (1 - utilization);
        }
    }

    private static double perMs(Predictions.Modelled app) {
        return app.rate().ratePerSec() / 1000;
    }

    private static double square(double value) {
        return value * value;
    }
}
