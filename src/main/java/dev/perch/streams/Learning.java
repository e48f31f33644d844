package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;

import java.util.List;

/**
 * Decides, from an app's telemetry, its current request rate, its rate trend, its service and swap
 * times with their variability, and its model bias — starting from the catalog's priors, which the
 * evidence outweighs as it accumulates.
 *
 * <ul>
 *   <li><b>Rate</b>: completed requests over elapsed time, both forgotten with time constant
 *   {@code rateMemoryMs}, so a steady rate is estimated over minutes; when the last
 *   {@code changeWindowMs} of counts is implausible under that rate (Poisson, beyond
 *   {@code changeSigmas} standard deviations) the estimate restarts from them — steps and ramps are
 *   followed within seconds.</li>
 *   <li><b>Trend</b>: least-squares line through the per-window rates of the recent windows, used
 *   only when its slope is significant (t-statistic at least 3); then the rate now is the line's value
 *   at the last window, and the forecast follows the line to the horizon.</li>
 *   <li><b>Service and swap</b> (Edge TPU): a window's mean on-device time is S + O·f, f the share of
 *   its requests that swapped; weighted least squares with forgetting, with the catalog's S and S+O
 *   as {@code priorWeight} pseudo-requests, and the result kept within bounds of the prior so a burst
 *   of outliers cannot run away with it. GPU/CPU: the mean work, likewise anchored.</li>
 *   <li><b>Bias</b>: when observed mean latency stays off the prediction — the ratio of their moving
 *   sums (weight {@code biasAlpha} per window) — the prediction is corrected by it, within
 *   ±{@code maxBias}.</li>
 * </ul>
 */
public record Learning(double rateMemoryMs, long changeWindowMs, double changeSigmas, double serviceMemoryWindows,
                       double priorWeight, double swapPriorWeight, double biasAlpha, double maxBias, int biasAfterWindows) {
    /**
     * The swap prior is weak: a window says little about the swap time of a model that seldom swaps
     * (one swap in sixteen requests), so a strong prior would hold it at the catalog's figure for
     * many minutes.
     */
    public static final Learning DEFAULT = new Learning(120_000, 10_000, 4, 300, 5, 1, 0.01, 0.2, 60);

    /** Learned service parameters and where they came from: {@code catalog}, {@code learned} or {@code none}. */
    public record Service(double serviceMs, double swapMs, double serviceCv, String source) {
    }

    /** The rate estimate now, its significant slope (0 when not), and the forecast at a horizon. */
    public record Rate(double ratePerSec, double slopePerSec2) {
        public double forecast(double horizonSec) {
            return Math.max(0, ratePerSec + slopePerSec2 * horizonSec);
        }
    }

    /** A starting point for an app that has learned its rate elsewhere (before a move). */
    public Learned seeded(double ratePerSec) {
        if (!(ratePerSec > 0)) {
            return Learned.EMPTY;
        }
        double spanMs = 30_000;
        return new Learned(ratePerSec * spanMs / 1000, spanMs, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** Folds one window into the learned state; {@code windows} are the recent ones, the new one included. */
    public Learned observe(Learned state, AcceleratorState.Window window, List<AcceleratorState.Window> windows) {
        double durationMs = window.windowEndMs() - window.windowStartMs();
        double keep = Math.exp(-durationMs / rateMemoryMs);
        double count = state.rateCount() * keep + window.requests();
        double span = state.rateSpanMs() * keep + durationMs;
        // Change detection: are the recent counts plausible under the long-run rate?
        long recentStart = window.windowEndMs() - changeWindowMs;
        double recentCount = 0;
        double recentSpan = 0;
        for (AcceleratorState.Window w : windows) {
            if (w.windowStartMs() >= recentStart) {
                recentCount += w.requests();
                recentSpan += w.windowEndMs() - w.windowStartMs();
            }
        }
        if (recentSpan >= changeWindowMs / 2.0 && span > recentSpan * 1.5) {
            double expected = count / span * recentSpan;
            if (Math.abs(recentCount - expected) > changeSigmas * Math.sqrt(expected + 1)) {
                count = recentCount;
                span = recentSpan;
            }
        }

        double windowCount = state.windows();
        double sw = state.sw();
        double swf = state.swf();
        double swff = state.swff();
        double swy = state.swy();
        double swfy = state.swfy();
        double swyy = state.swyy();
        if (window.requests() > 0 && window.serviceMs() != null) {
            double forget = Math.exp(-1 / serviceMemoryWindows);
            windowCount = windowCount * forget + 1;
            double w = window.requests();
            double f = window.swaps() == null ? 0 : Math.min(1, window.swaps() / (double) window.requests());
            double y = window.serviceMs();
            sw = sw * forget + w;
            swf = swf * forget + w * f;
            swff = swff * forget + w * f * f;
            swy = swy * forget + w * y;
            swfy = swfy * forget + w * f * y;
            swyy = swyy * forget + w * y * y;
        }
        return new Learned(count, span, windowCount, sw, swf, swff, swy, swfy, swyy, state.biasObserved(),
                state.biasPredicted(), state.biasWindows());
    }

    /**
     * The rate now: the long-run estimate, unless the recent windows show a significant trend — then
     * the trend line's value at the last window, which a long-run average would trail.
     */
    public Rate rate(Learned state, List<AcceleratorState.Window> windows) {
        double level = state.rateSpanMs() > 0 ? state.rateCount() / state.rateSpanMs() * 1000 : 0;
        double[] trend = significantTrend(windows);
        return trend == null ? new Rate(level, 0) : new Rate(Math.max(0, trend[0]), trend[1]);
    }

    /**
     * Least-squares line through the per-window rates against time: {value at the last window,
     * slope in req/s per s}, or null unless there are at least 10 windows and the slope's t-statistic
     * is at least 3 (so that Poisson noise seldom passes for a trend).
     */
    static double[] significantTrend(List<AcceleratorState.Window> windows) {
        int n = windows.size();
        if (n < 10) {
            return null;
        }
        double st = 0;
        double sr = 0;
        for (AcceleratorState.Window w : windows) {
            st += w.windowEndMs() / 1000.0;
            sr += rateOf(w);
        }
        double meanT = st / n;
        double meanR = sr / n;
        double stt = 0;
        double str = 0;
        for (AcceleratorState.Window w : windows) {
            double dt = w.windowEndMs() / 1000.0 - meanT;
            stt += dt * dt;
            str += dt * (rateOf(w) - meanR);
        }
        if (stt <= 0) {
            return null;
        }
        double slope = str / stt;
        double residual = 0;
        for (AcceleratorState.Window w : windows) {
            double fit = meanR + slope * (w.windowEndMs() / 1000.0 - meanT);
            residual += Math.pow(rateOf(w) - fit, 2);
        }
        double standardError = Math.sqrt(residual / (n - 2) / stt);
        if (!(standardError > 0) || Math.abs(slope) / standardError < 3) {
            return null;
        }
        double lastT = windows.get(n - 1).windowEndMs() / 1000.0;
        return new double[]{meanR + slope * (lastT - meanT), slope};
    }

    private static double rateOf(AcceleratorState.Window w) {
        return w.requests() * 1000.0 / (w.windowEndMs() - w.windowStartMs());
    }

    /** Service and swap time on this accelerator type: the prior, moved by the evidence. */
    public Service service(Learned state, ModelProfile prior, AcceleratorType type) {
        boolean swaps = type == AcceleratorType.EDGETPU;
        double w0 = prior == null ? 0 : priorWeight;
        double w1 = prior == null || !swaps ? 0 : swapPriorWeight;
        double s0 = prior == null ? 0 : prior.serviceMs();
        double o0 = prior == null || !swaps ? 0 : prior.swapMs();
        // Pseudo-requests: w0 at f = 0 with y = S0, and (Edge TPU) w1 at f = 1 with y = S0 + O0.
        double sw = state.sw() + w0 + w1;
        double swf = state.swf() + w1;
        double swff = state.swff() + w1;
        double swy = state.swy() + w0 * s0 + w1 * (s0 + o0);
        double swfy = state.swfy() + w1 * (s0 + o0);
        if (sw <= 0) {
            return new Service(0, 0, 0, "none");
        }
        double service;
        double swap;
        double determinant = sw * swff - swf * swf;
        if (swaps && determinant > 1e-9 * sw * sw) {
            swap = (sw * swfy - swf * swy) / determinant;
            service = (swy - swap * swf) / sw;
        } else {
            service = swy / sw;
            swap = o0;
        }
        if (prior != null) {
            service = clamp(service, 0.2 * s0, 5 * s0);
            swap = clamp(swap, 0, 5 * (s0 + o0));
        } else {
            service = Math.max(service, 0.01);
            swap = Math.max(swap, 0);
        }
        double cv = 0;
        if (state.sw() > 0) {
            // Residual variance of the window means, scaled back to one request: Var(mean of n) = σ²/n,
            // so Σ n·(y − ŷ)² over K windows estimates K·σ².
            double meanSquareResidual = (state.swyy() - 2 * service * state.swy() - 2 * swap * state.swfy()
                    + service * service * state.sw() + 2 * service * swap * state.swf() + swap * swap * state.swff())
                    / Math.max(state.windows(), 1);
            cv = Math.sqrt(Math.max(meanSquareResidual, 0)) / service;
            cv = Math.min(cv, 2);
        }
        String source = state.sw() >= w0 && state.sw() > 0 ? "learned" : prior != null ? "catalog" : "learned";
        return new Service(service, swap, cv, source);
    }

    /**
     * The state after comparing one window's observed mean latency with the predicted mean: moving
     * sums of both, weighted by the window's requests, so their ratio is a ratio of means (a mean of
     * log-ratios would be biased low by the spread of window means).
     */
    public Learned withBias(Learned state, Double observedMeanMs, Double predictedMeanMs, long requests) {
        if (observedMeanMs == null || predictedMeanMs == null || observedMeanMs <= 0 || predictedMeanMs <= 0 || requests <= 0) {
            return state;
        }
        double keep = 1 - biasAlpha;
        return new Learned(state.rateCount(), state.rateSpanMs(), state.windows(), state.sw(), state.swf(), state.swff(),
                state.swy(), state.swfy(), state.swyy(), state.biasObserved() * keep + requests * observedMeanMs,
                state.biasPredicted() * keep + requests * predictedMeanMs, state.biasWindows() + 1);
    }

    /**
     * The factor applied to the app's predicted latencies: 1 until {@code biasAfterWindows} windows,
     * and inside a dead zone of ±7 % (the models are not corrected for noise); at most ±{@code maxBias}.
     */
    public double biasFactor(Learned state) {
        if (state.biasWindows() < biasAfterWindows || state.biasPredicted() <= 0) {
            return 1;
        }
        double log = Math.log(state.biasObserved() / state.biasPredicted());
        if (Math.abs(log) < Math.log(1.07)) {
            return 1;
        }
        return Math.exp(clamp(log, -Math.log(1 + maxBias), Math.log(1 + maxBias)));
    }

    private static double clamp(double value, double low, double high) {
        return Math.max(low, Math.min(high, value));
    }
}
