package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;

import java.util.List;

/**
 * Decides how far an app's predicted latency may be off because its parameters are estimates: their
 * standard errors propagated to the latency by the delta method, Var(L) ≈ Σ (∂L/∂θ)²·Var(θ), with
 * the partial derivatives those of the queueing formulas' form rather than of the full models — so
 * that it costs no extra evaluation of them on a window.
 *
 * <p>An app's latency is its path outside the accelerator, its own time on the device, and its wait
 * behind the others, Q. Every parameter but the app's own service time reaches its latency through the
 * accelerator's utilisation ρ = Σ λᵢ·(Sᵢ + Oᵢ·f), and the wait of an M/G/1 queue (Pollaczek–Khinchine)
 * or the slow-down of processor sharing grows as ρ/(1 − ρ) at fixed service moments, so ∂Q/∂ρ =
 * Q/(ρ(1 − ρ)). The app's own service time adds to its latency once on an Edge TPU (first come, first
 * served) and in proportion on a shared GPU or CPU (processor sharing: T = S/(1 − ρ)), besides its part
 * in ρ. f, the share of requests that swap, is the swap load ρ − Σλᵢ·Sᵢ over Σλᵢ·Oᵢ. A percentile's
 * wait is taken to scale with ρ as the mean's. The front end's own queue and the service-time spread's
 * effect on the tail are left out: the front end's rate is the app's own, its error small beside the
 * accelerator's, and the spread moves the tail less than the load does.
 *
 * @param utilizationVariance Var(ρ) from every app's rate, service and swap errors; NaN when one is unknown
 */
record LatencyUncertainty(AcceleratorType type, double utilization, double swapShare, double utilizationVariance) {
    /** The accelerator's Var(ρ), or null when it is predicted unstable. */
    static LatencyUncertainty of(AcceleratorType type, List<Predictions.Modelled> apps, AcceleratorPrediction now) {
        if (!(now instanceof AcceleratorPrediction.Stable)) {
            return null;
        }
        double plainLoad = 0;
        double swapCapacity = 0;
        for (Predictions.Modelled app : apps) {
            plainLoad += app.rate().ratePerSec() * app.service().serviceMs() / 1000;
            swapCapacity += app.rate().ratePerSec() * app.service().swapMs() / 1000;
        }
        double rho = now.utilization();
        double f = swapCapacity > 0 ? Math.min(1, Math.max(0, rho - plainLoad) / swapCapacity) : 0;
        double variance = 0;
        for (Predictions.Modelled app : apps) {
            double rate = app.rate().ratePerSec() / 1000;
            double occupancy = app.service().serviceMs() + app.service().swapMs() * f;
            double swapTerm = f == 0 ? 0 : f * f * square(app.service().swapStdErrMs());
            variance += occupancy * occupancy * square(app.rate().standardErrorPerSec() / 1000)
                    + rate * rate * (square(app.service().serviceStdErrMs()) + swapTerm);
        }
        return new LatencyUncertainty(type, rho, f, variance);
    }

    /**
     * The standard error of the app's predicted {@code valueMs} (its mean or a percentile, before the
     * bias), or NaN when a parameter's error is unknown. {@code latency} is the app's prediction now.
     */
    double standardErrorMs(Predictions.Modelled app, AppLatency latency, double valueMs) {
        double pathMs = latency.meanMs() - latency.acceleratorMeanMs();
        double serviceMs = app.service().serviceMs();
        double ownMs = serviceMs + app.service().swapMs() * swapShare;
        double waitMs = Math.max(0, valueMs - pathMs - ownMs);
        double byLoad = utilization > 0 && utilization < 1 ? waitMs / (utilization * (1 - utilization)) : 0;
        // ∂L/∂S of the app's own service time, besides its part in ρ.
        double direct = type == AcceleratorType.EDGETPU ? 1 : Math.max(0, valueMs - pathMs) / serviceMs;
        double serviceVariance = square(app.service().serviceStdErrMs());
        double rate = app.rate().ratePerSec() / 1000;
        // Cov(ρ, S) = λ·Var(S): the app's own service time is in ρ too.
        double variance = byLoad * byLoad * utilizationVariance + direct * direct * serviceVariance
                + 2 * byLoad * direct * rate * serviceVariance;
        return Math.sqrt(variance);
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

    private static double square(double value) {
        return value * value;
    }
}
