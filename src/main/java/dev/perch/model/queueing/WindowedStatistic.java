package dev.perch.model.queueing;

import dev.perch.model.profile.SloStatistic;

/**
 * The distribution of an app's SLO statistic over a window of its requests — what the judge sees
 * every second — as a shifted gamma matched to the statistic's mean, variance and third central
 * moment (its skew: a window's statistic is pulled up far more by a congested stretch than down by a
 * quiet one). How the moments follow from the queueing model: docs/models.md, "The statistic over a
 * window".
 *
 * <p><b>Mean</b> over W seconds: N = λ·W requests; each request's own spread adds {@code Var(T)/N}
 * and {@code μ₃(T)/N²}; the congestion shared by requests close in time adds, per queue, a variance
 * that falls from the congestion's own variance (a window much shorter than a congested stretch) to
 * {@code area/W} (a much longer one), and a third cumulant that falls from the congestion's own to
 * that of the time average of a reflected Brownian motion (the heavy-traffic limit of both queue
 * types), {@code 15/√2 · area^{3/2} · τ^{1/2} / W²}.
 *
 * <p><b>Percentile p</b>: the window's empirical quantile q̂, linearised around the steady-state q
 * (Bahadur): {@code q̂ − q ≈ (F̂(q) − p)/f(q)} with F̂(q) the share of the window's requests at or
 * under q — a mean, of indicators. Independent requests give {@code p(1−p)/(N·f²)}; the congestion
 * gives, through the Poisson equation of the reflected Brownian motion, the variance of the
 * workload's time average times {@code κ(p̄) = (1 − p̄ + p̄ ln p̄)/p̄} (p̄ = 1 − p: 0.31 for the
 * median, 16 for p95, 94 for p99) and its third cumulant times
 * {@code (5 − 16p̄ + 11p̄² + 8p̄L − 14p̄²L + 6p̄²L²)/(20p̄²)} (L = ln p̄; 65 for p95). The mean is the
 * steady-state quantile moved to the rank the judge takes (nearest rank ⌈pN⌉, expected at level
 * ⌈pN⌉/(N+1) among N).
 */
public record WindowedStatistic(double meanMs, double varianceMs2, double thirdMomentMs3) {
    /** Third cumulant rate of a reflected Brownian motion's time average over its variance rate^{3/2}·τ^{1/2}. */
    private static final double RBM_SKEW = 15 / Math.sqrt(2);

    /**
     * The windowed statistic of an app whose steady-state latency is {@code latencyMs} on
     * {@code statistic} (its mean, or that percentile), with {@code spread}, over windows of
     * {@code windowSec} seconds.
     */
    public static WindowedStatistic of(SloStatistic statistic, double latencyMs, LatencySpread spread, int windowSec) {
        double windowMs = windowSec * 1000.0;
        double n = Math.max(spread.ratePerSec() * windowSec, 1);
        double density = density(statistic, spread);
        if (statistic == SloStatistic.MEAN || !(density > 0)) {
            // (The means-only path has no densities; it is never asked for a percentile.)
            return new WindowedStatistic(latencyMs,
                    spread.varianceMs2() / n + variance(spread.device(), windowMs, 1) + variance(spread.frontend(), windowMs, 1),
                    spread.thirdMomentMs3() / (n * n) + third(spread.device(), windowMs, 1)
                            + third(spread.frontend(), windowMs, 1));
        }
        double p = level(statistic);
        double tail = 1 - p;
        double log = Math.log(tail);
        double kappa = (1 - tail + tail * log) / tail;
        double kappa3 = (5 - 16 * tail + 11 * tail * tail + 8 * tail * log - 14 * tail * tail * log
                + 6 * tail * tail * log * log) / (20 * tail * tail);
        double rankLevel = Math.ceil(p * n) / (n + 1);
        double mean = latencyMs + (rankLevel - p) / density;
        double variance = p * (1 - p) / (n * density * density) + variance(spread.device(), windowMs, kappa)
                + variance(spread.frontend(), windowMs, kappa);
        // The ⌈pN⌉-th of N requests sits about k = (1−p)·N from the top; under an exponential tail
        // (density f = θ·(1−p)) it is skewed like a sum of exponentials of rates θk, θ(k+1), …:
        // third central moment ≈ 1/(θ³k²) = (1−p)/(f³N²).
        double orderThird = tail / (density * density * density * n * n);
        return new WindowedStatistic(mean, variance,
                orderThird + third(spread.device(), windowMs, kappa3) + third(spread.frontend(), windowMs, kappa3));
    }

    /**
     * The variance a queue's congestion adds to a window's statistic: {@code ratio·area/W} over long
     * windows, the congestion's own variance over short ones, joined as an exponentially correlated
     * process's time average is: {@code ·g(W/τ')}, {@code g(x) = 1 − (1 − e^(−x))/x}, with τ' = ratio·τ
     * so that short windows tend to the congestion's variance.
     */
    private static double variance(LatencySpread.Congestion congestion, double windowMs, double ratio) {
        if (congestion.areaMs3() <= 0) {
            return 0;
        }
        double longRun = ratio * congestion.areaMs3() / windowMs;
        if (congestion.correlationMs() <= 0) {
            return longRun;
        }
        double x = windowMs / (ratio * congestion.correlationMs());
        double g = x < 1e-4 ? x / 2 - x * x / 6 : 1 - (1 - Math.exp(-x)) / x;
        return longRun * g;
    }

    /**
     * The third cumulant a queue's congestion adds: over long windows the reflected Brownian motion's
     * {@code ratio·(15/√2)·area^{3/2}·τ^{1/2}/W²}; over short ones the congestion's own third moment
     * μ₃. Joined as for a third-order correlation that decays exponentially with τ₃, where
     * {@code 6μ₃τ₃²} is the long-run rate: {@code ·B(W/τ₃)},
     * {@code B(x) = 1 − e^(−x)(1+x) − (2 − e^(−x)(x²+2x+2))/x} (→ 1 for long windows, → x²/6 for short).
     */
    private static double third(LatencySpread.Congestion congestion, double windowMs, double ratio) {
        if (congestion.areaMs3() <= 0) {
            return 0;
        }
        double rate = ratio * RBM_SKEW * Math.pow(congestion.areaMs3(), 1.5) * Math.sqrt(congestion.correlationMs());
        double longRun = rate / (windowMs * windowMs);
        if (congestion.thirdMomentMs3() <= 0) {
            return longRun;
        }
        double x = windowMs / Math.sqrt(rate / (6 * congestion.thirdMomentMs3()));
        double b = x < 1e-3 ? x * x / 6 - x * x * x / 12
                : 1 - Math.exp(-x) * (1 + x) - (2 - Math.exp(-x) * (x * x + 2 * x + 2)) / x;
        return longRun * b;
    }

    /** The probability that the statistic over one window is above {@code thresholdMs}. */
    public double exceedance(double thresholdMs) {
        double sd = Math.sqrt(varianceMs2);
        if (!(sd > 1e-9 * Math.abs(meanMs))) {
            return thresholdMs < meanMs ? 1 : 0;
        }
        double skew = thirdMomentMs3 / (varianceMs2 * sd);
        if (skew < 1e-3) {
            return 1 - Gamma.Normal.cdf((thresholdMs - meanMs) / sd);
        }
        double shape = 4 / (skew * skew);
        double scale = sd * skew / 2;
        double y = (thresholdMs - (meanMs - shape * scale)) / scale;
        if (y <= 0) {
            return 1;
        }
        // Wilson–Hilferty: the cube root of a gamma variable is nearly normal.
        double z = (Math.cbrt(y / shape) - (1 - 1 / (9 * shape))) * 3 * Math.sqrt(shape);
        return 1 - Gamma.Normal.cdf(z);
    }

    /** The value the statistic stays at or under in a share {@code level} of windows. */
    public double quantile(double level) {
        double sd = Math.sqrt(varianceMs2);
        double z = Gamma.Normal.quantile(level);
        if (!(sd > 1e-9 * Math.abs(meanMs))) {
            return meanMs;
        }
        double skew = thirdMomentMs3 / (varianceMs2 * sd);
        if (skew < 1e-3) {
            return meanMs + z * sd;
        }
        double shape = 4 / (skew * skew);
        double scale = sd * skew / 2;
        double cube = Math.max(0, 1 - 1 / (9 * shape) + z / (3 * Math.sqrt(shape)));
        return meanMs - shape * scale + scale * shape * cube * cube * cube;
    }

    private static double level(SloStatistic statistic) {
        return switch (statistic) {
            case P50 -> 0.50;
            case P95 -> 0.95;
            case P99 -> 0.99;
            case MEAN -> throw new IllegalArgumentException("the mean is no percentile");
        };
    }

    private static double density(SloStatistic statistic, LatencySpread spread) {
        return switch (statistic) {
            case P50 -> spread.densityP50();
            case P95 -> spread.densityP95();
            case P99 -> spread.densityP99();
            case MEAN -> Double.NaN;
        };
    }
}
