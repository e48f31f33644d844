package dev.perch.streams;

import java.util.List;

/**
 * A significant trend in an app's per-window rates: the least-squares line's value at the last window
 * and its slope (req/s per s), each with its standard error, and the windows' requests and span it
 * rests on.
 *
 * <p>A window's rate scatters at least as a Poisson count does, λ/T for a window of T seconds at rate
 * λ, so the errors take the larger of that and the scatter the line leaves (which also covers traffic
 * burstier than Poisson). The scatter alone is an estimate from some thirty windows of a few requests
 * each, and where it comes out small by chance a flat rate passes for a trend. A trend is tested for
 * every app every second and moves its accelerator's forecast, so a flat rate must very seldom pass:
 * decision 0017 has the threshold, and what it costs a real ramp.
 */
record Trend(double valuePerSec, double slopePerSec2, double valueStdErrPerSec, double slopeStdErrPerSec2,
             double requests, double spanSec) {
    /** Fewer windows than this make no trend. */
    static final int MIN_WINDOWS = 10;
    /** The slope over its standard error that a trend needs, so that Poisson noise seldom passes for one. */
    static final double MIN_T = 3.5;

    /** The line through the windows' rates against time, or null unless there are enough windows and its slope is significant. */
    static Trend significant(List<AcceleratorState.Window> windows) {
        int n = windows.size();
        if (n < MIN_WINDOWS) {
            return null;
        }
        // Each window's time and rate once: three passes over them, and a division each, made this a
        // large share of a window's prediction (profiled).
        double[] times = new double[n];
        double[] rates = new double[n];
        double[] inverseSecs = new double[n];
        double st = 0;
        double sr = 0;
        double requests = 0;
        double spanMs = 0;
        for (int i = 0; i < n; i++) {
            AcceleratorState.Window w = windows.get(i);
            times[i] = w.windowEndMs() / 1000.0;
            inverseSecs[i] = 1000.0 / (w.windowEndMs() - w.windowStartMs());
            rates[i] = w.requests() * inverseSecs[i];
            st += times[i];
            sr += rates[i];
            requests += w.requests();
            spanMs += w.windowEndMs() - w.windowStartMs();
        }
        double meanT = st / n;
        double meanR = sr / n;
        double stt = 0;
        double str = 0;
        // Σ(t−t̄)²/T, for the slope's error under one Poisson rate (below).
        double dt2Inverse = 0;
        for (int i = 0; i < n; i++) {
            double dt = times[i] - meanT;
            stt += dt * dt;
            str += dt * (rates[i] - meanR);
            dt2Inverse += dt * dt * inverseSecs[i];
        }
        if (stt <= 0) {
            return null;
        }
        double slope = str / stt;
        // A window of T s at rate λ has a rate of variance λ/T under Poisson. The slope is Σ(t−t̄)·r/Stt,
        // so under one rate — the null a trend is tested against: requests over span, at least one
        // request — its variance is λ·Σ(t−t̄)²/T/Stt². The value at the last window is Σw·r with
        // w = 1/n + (t_last − t̄)(t − t̄)/Stt, of variance Σw²·λ/T at each window's rate on the line.
        double levelPerSec = Math.max(requests, 1) / (spanMs / 1000);
        double lastT = windows.get(n - 1).windowEndMs() / 1000.0;
        double c = (lastT - meanT) / stt;
        double residual = 0;
        double poissonValueVariance = 0;
        for (int i = 0; i < n; i++) {
            double dt = times[i] - meanT;
            double fitted = meanR + slope * dt;
            double off = rates[i] - fitted;
            residual += off * off;
            double weight = 1.0 / n + c * dt;
            poissonValueVariance += weight * weight * Math.max(fitted, 0) * inverseSecs[i];
        }
        double residualVariance = residual / (n - 2);
        double slopeError = Math.sqrt(Math.max(residualVariance / stt, levelPerSec * dt2Inverse / (stt * stt)));
        if (!(slopeError > 0) || Math.abs(slope) / slopeError < MIN_T) {
            return null;
        }
        double value = meanR + slope * (lastT - meanT);
        double valueError = Math.sqrt(Math.max(residualVariance * (1.0 / n + (lastT - meanT) * (lastT - meanT) / stt),
                poissonValueVariance));
        return new Trend(value, slope, valueError, slopeError, requests, spanMs / 1000);
    }
}
