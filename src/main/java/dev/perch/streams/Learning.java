package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;

import java.util.List;

/**
 * Decides, from an app's telemetry, its current request rate, its rate trend, its service and swap
 * times with their variability, and its model bias — starting from the catalog's priors, which the
 * evidence outweighs as it accumulates — and how sure it is of each (a standard error and the sample
 * it rests on).
 *
 * <ul>
 *   <li><b>Rate</b>: completed requests over elapsed time since the rate last changed, every request
 *   counting, so that a steady rate is known to within its Poisson error √N/T. A change is a stretch
 *   of recent windows (the last {@code changeWindowMs}, and all the windows kept) whose count is
 *   implausible beside the rest of the stretch: under one rate the recent count is binomial in the
 *   total, and beyond {@code changeSigmas} standard deviations the estimate restarts from the recent
 *   windows — steps are followed within seconds, drifts once they add up.</li>
 *   <li><b>Trend</b>: least-squares line through the per-window rates of the recent windows, used
 *   only when its slope is {@value Trend#MIN_T} standard errors from flat ({@link Trend}); then the
 *   rate now is the line's value at the last window, and the forecast follows the line to the
 *   horizon.</li>
 *   <li><b>Service and swap</b>: {@link ServiceRegression}, forgotten over {@code serviceMemoryWindows}
 *   windows and kept within bounds of the prior so a burst of outliers cannot run away with it. The
 *   catalog's figures count as {@code priorWeight} (S) and {@code swapPriorWeight} (S + O)
 *   pseudo-requests until the data show how much a request varies, then as many as would know them to
 *   within {@code priorRelativeError}.</li>
 *   <li><b>Bias</b>: when observed mean latency stays off the prediction — the ratio of their sums
 *   since the rate last changed, request-weighted — the prediction is corrected by it, within
 *   ±{@code maxBias}. Counted since the change, as the rate is: the models' error depends on the
 *   load, and a ratio that kept forgetting swung with the window means by more than the error it
 *   corrected (decision 0012).</li>
 * </ul>
 */
public record Learning(long changeWindowMs, double changeSigmas, double serviceMemoryWindows, double priorWeight,
                       double swapPriorWeight, double priorRelativeError, double biasDeadZone, double maxBias,
                       int biasAfterWindows) {
    /**
     * The swap prior is weak: a window says little about the swap time of a model that seldom swaps
     * (one swap in sixteen requests), so a strong prior would hold it at the catalog's figure for
     * many minutes.
     */
    public static final Learning DEFAULT = new Learning(10_000, 4, 300, 5, 1, 0.2, 0.02, 0.2, 60);
    /** How long a rate carried over a move counts for, in pseudo-time at that rate. */
    private static final double SEED_SPAN_MS = 30_000;

    /**
     * Learned service parameters, where they came from ({@code catalog}, {@code learned} or {@code none}),
     * their standard errors (NaN when unknown: before two windows, or a swap nothing has shown) and the
     * weighted sample they rest on. {@code swapMs} is NaN when nothing tells it: on an Edge TPU, a
     * model with no prior whose telemetry has not shown what a swap costs (an app alone never swaps).
     */
    public record Service(double serviceMs, double swapMs, double serviceCv, String source, double serviceStdErrMs,
                          double swapStdErrMs, double serviceCvStdErr, double sampleRequests, double sampleSec) {
        public Service(double serviceMs, double swapMs, double serviceCv, String source) {
            this(serviceMs, swapMs, serviceCv, source, Double.NaN, Double.NaN, Double.NaN, 0, 0);
        }

        /**
         * The swap time the models take: 0 while it is unknown. It stays unknown while every window
         * swapped the same share of its requests — none, for an app alone — and the service time
         * fitted to such windows already holds what their swaps cost.
         */
        public double modelSwapMs() {
            return Double.isNaN(swapMs) ? 0 : swapMs;
        }
    }

    /**
     * The rate estimate now and its significant slope (0 when not), with their standard errors and
     * the sample they rest on, and the forecast at a horizon.
     */
    public record Rate(double ratePerSec, double slopePerSec2, double standardErrorPerSec, double slopeStdErrPerSec2,
                       double sampleRequests, double sampleSec) {
        public Rate(double ratePerSec, double slopePerSec2) {
            this(ratePerSec, slopePerSec2, Double.NaN, Double.NaN, 0, 0);
        }

        public double forecast(double horizonSec) {
            return Math.max(0, ratePerSec + slopePerSec2 * horizonSec);
        }
    }

    /** The bias factor applied to the app's predicted latencies, the standard error of the ratio it comes from, and its windows. */
    public record Bias(double factor, double standardError, int windows) {
    }

    /** A starting point for an app that has learned its rate elsewhere (before a move). */
    public Learned seeded(double ratePerSec) {
        if (!(ratePerSec > 0)) {
            return Learned.EMPTY;
        }
        return Learned.EMPTY.withRate(new Learned.RateSums(ratePerSec * SEED_SPAN_MS / 1000, SEED_SPAN_MS, Long.MIN_VALUE));
    }

    /** Folds one window into the learned state; {@code windows} are the recent ones, the new one included. */
    public Learned observe(Learned state, AcceleratorState.Window window, List<AcceleratorState.Window> windows) {
        Learned.RateSums rate = observeRate(state.rate(), window, windows);
        // The models' error depends on the load: a bias learned before the rate changed no longer holds.
        boolean changed = state.rate().sinceMs() != Long.MIN_VALUE && rate.sinceMs() != state.rate().sinceMs();
        return new Learned(rate, observeService(state.service(), window),
                changed ? Learned.BiasSums.EMPTY : state.bias());
    }

    private Learned.RateSums observeRate(Learned.RateSums rate, AcceleratorState.Window window,
                                         List<AcceleratorState.Window> windows) {
        if (window.windowStartMs() < rate.sinceMs()) {
            return rate; // a late report from before the last change: it belongs to the old rate
        }
        long since = rate.sinceMs() == Long.MIN_VALUE ? window.windowStartMs() : rate.sinceMs();
        double count = rate.count() + window.requests();
        double span = rate.spanMs() + (window.windowEndMs() - window.windowStartMs());
        for (long lookBackMs : new long[]{changeWindowMs, Long.MAX_VALUE}) {
            Learned.RateSums restarted = changed(count, span, since, window.windowEndMs(), lookBackMs, windows);
            if (restarted != null) {
                return restarted;
            }
        }
        return new Learned.RateSums(count, span, since);
    }

    /**
     * The rate restarted from the windows of the last {@code lookBackMs} (since {@code sinceMs}) when
     * their count is implausible beside the rest of the stretch, else null. Under one rate over the
     * stretch, the recent count x of N is binomial with p = recent span / whole span.
     */
    private Learned.RateSums changed(double count, double span, long sinceMs, long endMs, long lookBackMs,
                                     List<AcceleratorState.Window> windows) {
        long from = lookBackMs == Long.MAX_VALUE ? sinceMs : Math.max(sinceMs, endMs - lookBackMs);
        double recentCount = 0;
        double recentSpan = 0;
        long recentStart = Long.MAX_VALUE;
        for (AcceleratorState.Window w : windows) {
            if (w.windowStartMs() >= from) {
                recentCount += w.requests();
                recentSpan += w.windowEndMs() - w.windowStartMs();
                recentStart = Math.min(recentStart, w.windowStartMs());
            }
        }
        if (recentSpan < changeWindowMs / 2.0 || span < recentSpan * 1.5) {
            return null;
        }
        double p = recentSpan / span;
        double expected = count * p;
        if (Math.abs(recentCount - expected) > changeSigmas * Math.sqrt(expected * (1 - p) + 1)) {
            return new Learned.RateSums(recentCount, recentSpan, recentStart);
        }
        return null;
    }

    private Learned.ServiceSums observeService(Learned.ServiceSums s, AcceleratorState.Window window) {
        if (window.requests() <= 0 || window.serviceMs() == null) {
            return s;
        }
        double forget = Math.exp(-1 / serviceMemoryWindows);
        double forget2 = forget * forget;
        double n = window.requests();
        double f = window.swaps() == null ? 0 : Math.min(1, window.swaps() / (double) window.requests());
        double y = window.serviceMs();
        double duration = window.windowEndMs() - window.windowStartMs();
        return new Learned.ServiceSums(s.windows() * forget + 1, s.windowsSq() * forget2 + 1,
                s.spanMs() * forget + duration, s.sw() * forget + n, s.swf() * forget + n * f,
                s.swff() * forget + n * f * f, s.swy() * forget + n * y, s.swfy() * forget + n * f * y,
                s.swyy() * forget + n * y * y, s.qw() * forget2 + n, s.qwf() * forget2 + n * f,
                s.qwff() * forget2 + n * f * f);
    }

    /**
     * The rate now: the count since the last change over its time, unless the recent windows show a
     * significant trend — then the trend line's value at the last window, which an average would trail.
     */
    public Rate rate(Learned state, List<AcceleratorState.Window> windows) {
        Learned.RateSums sums = state.rate();
        double spanSec = sums.spanMs() / 1000;
        double level = spanSec > 0 ? sums.count() / spanSec : 0;
        // Poisson: √N/T; with no request yet, as if one (N = 0 does not mean the rate is known to be 0).
        double levelError = spanSec > 0 ? Math.sqrt(Math.max(sums.count(), 1)) / spanSec : Double.NaN;
        Trend trend = Trend.significant(windows);
        if (trend == null) {
            return new Rate(level, 0, levelError, Double.NaN, sums.count(), spanSec);
        }
        return new Rate(Math.max(0, trend.valuePerSec()), trend.slopePerSec2(), trend.valueStdErrPerSec(),
                trend.slopeStdErrPerSec2(), trend.requests(), trend.spanSec());
    }

    /** Service and swap time on this accelerator type: the prior, moved by the evidence. */
    public Service service(Learned state, ModelProfile prior, AcceleratorType type) {
        boolean swaps = type == AcceleratorType.EDGETPU;
        double w0 = prior == null ? 0 : priorWeight;
        double w1 = prior == null || !swaps ? 0 : swapPriorWeight;
        double s0 = prior == null ? 0 : prior.serviceMs();
        double o0 = prior == null || !swaps ? 0 : prior.swapMs();
        Learned.ServiceSums sums = state.service();
        ServiceRegression fit = ServiceRegression.fit(sums, swaps, w0, w1, s0, o0);
        if (fit != null && prior != null && Double.isFinite(fit.sigmaMs())) {
            // Once the data say how much one request varies (σ), the prior counts as the requests that
            // would pin S (and S + O) down to the catalog's own accuracy: σ²/(ε·S₀)² of them. A fixed
            // count would be a strong prior for a model whose requests hardly vary, and the catalog's
            // figure would hold the estimate off the truth where data are few (a seldom-seen swap).
            double sigma2 = fit.sigmaMs() * fit.sigmaMs();
            fit = ServiceRegression.fit(sums, swaps, sigma2 / square(priorRelativeError * s0),
                    swaps ? sigma2 / square(priorRelativeError * (s0 + o0)) : 0, s0, o0);
        }
        if (fit == null) {
            return new Service(0, 0, 0, "none");
        }
        double service = fit.serviceMs();
        double swap = fit.swapMs();
        if (prior != null) {
            service = clamp(service, 0.2 * s0, 5 * s0);
            swap = clamp(swap, 0, 5 * (s0 + o0));
        } else {
            service = Math.max(service, 0.01);
            // With no prior, a swap time the windows did not fit is unknown, not the 0 the fit was given.
            swap = swaps && !fit.swapFitted() ? Double.NaN : Math.max(swap, 0);
        }
        double cv = Double.isFinite(fit.sigmaMs()) ? Math.min(fit.sigmaMs() / service, 2) : 0;
        // σ̂ from k windows' residuals has a relative standard error of about 1/√(2(k − 1)).
        double cvError = Double.isFinite(fit.sigmaMs()) && fit.effectiveWindows() > 2
                ? cv * Math.sqrt(1 / (2 * (fit.effectiveWindows() - 1)) + fit.serviceVariance() / (service * service))
                : Double.NaN;
        String source = sums.sw() >= w0 && sums.sw() > 0 ? "learned" : prior != null ? "catalog" : "learned";
        return new Service(service, swap, cv, source, Math.sqrt(fit.serviceVariance()), Math.sqrt(fit.swapVariance()),
                cvError, sums.sw(), sums.spanMs() / 1000);
    }

    /**
     * The state after comparing one window's observed mean latency with the predicted mean: sums of
     * both since the rate last changed, weighted by the window's requests, so their ratio is a ratio of
     * means (a mean of log-ratios would be biased low by the spread of window means).
     */
    public Learned withBias(Learned state, Double observedMeanMs, Double predictedMeanMs, long requests) {
        if (observedMeanMs == null || predictedMeanMs == null || observedMeanMs <= 0 || predictedMeanMs <= 0 || requests <= 0) {
            return state;
        }
        double n2 = (double) requests * requests;
        Learned.BiasSums b = state.bias();
        return state.withBias(new Learned.BiasSums(b.observed() + requests * observedMeanMs,
                b.predicted() + requests * predictedMeanMs, b.windows() + 1,
                b.observedSq() + n2 * observedMeanMs * observedMeanMs, b.cross() + n2 * observedMeanMs * predictedMeanMs,
                b.predictedSq() + n2 * predictedMeanMs * predictedMeanMs));
    }

    /**
     * The factor applied to the app's predicted latencies: 1 until {@code biasAfterWindows} windows
     * since the rate last changed, and inside a dead zone of ±{@code biasDeadZone} (the models are not
     * corrected for noise); at most ±{@code maxBias}.
     */
    public double biasFactor(Learned state) {
        Learned.BiasSums b = state.bias();
        if (b.windows() < biasAfterWindows || b.predicted() <= 0) {
            return 1;
        }
        double ratio = b.observed() / b.predicted();
        if (Math.abs(ratio - 1) < biasDeadZone) {
            return 1;
        }
        return Math.exp(clamp(Math.log(ratio), -Math.log(1 + maxBias), Math.log(1 + maxBias)));
    }

    /**
     * The bias factor with the standard error of the ratio R = Σc·o / Σc·p it comes from, by the
     * delta method for a ratio estimator: Var(R) ≈ Σc²(o − R·p)² / (Σc·p)².
     */
    public Bias bias(Learned state) {
        Learned.BiasSums b = state.bias();
        if (b.predicted() <= 0 || b.windows() < 2) {
            return new Bias(biasFactor(state), Double.NaN, b.windows());
        }
        double ratio = b.observed() / b.predicted();
        double spread = b.observedSq() - 2 * ratio * b.cross() + ratio * ratio * b.predictedSq();
        return new Bias(biasFactor(state), Math.sqrt(Math.max(spread, 0)) / b.predicted(), b.windows());
    }

    private static double square(double value) {
        return value * value;
    }

    private static double clamp(double value, double low, double high) {
        return Math.max(low, Math.min(high, value));
    }
}
