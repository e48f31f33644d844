package dev.perch.streams;

import java.util.List;

/**
 * A significant trend in an app's per-window rates: the least-squares line's value at the last window
 * and its slope (req/s per s), each with its standard error, and the windows' requests and span it
 * rests on.
 */
record Trend(double valuePerSec, double slopePerSec2, double valueStdErrPerSec, double slopeStdErrPerSec2,
             double requests, double spanSec) {
    /** Fewer windows than this make no trend. */
    static final int MIN_WINDOWS = 10;
    /** The slope's t-statistic a trend needs, so that Poisson noise seldom passes for one. */
    static final double MIN_T = 3;

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
        double st = 0;
        double sr = 0;
        double requests = 0;
        double spanMs = 0;
        for (int i = 0; i < n; i++) {
            AcceleratorState.Window w = windows.get(i);
            times[i] = w.windowEndMs() / 1000.0;
            rates[i] = rateOf(w);
            st += times[i];
            sr += rates[i];
            requests += w.requests();
            spanMs += w.windowEndMs() - w.windowStartMs();
        }
        double meanT = st / n;
        double meanR = sr / n;
        double stt = 0;
        double str = 0;
        for (int i = 0; i < n; i++) {
            double dt = times[i] - meanT;
            stt += dt * dt;
            str += dt * (rates[i] - meanR);
        }
        if (stt <= 0) {
            return null;
        }
        double slope = str / stt;
        double residual = 0;
        for (int i = 0; i < n; i++) {
            double off = rates[i] - (meanR + slope * (times[i] - meanT));
            residual += off * off;
        }
        double residualVariance = residual / (n - 2);
        double slopeError = Math.sqrt(residualVariance / stt);
        if (!(slopeError > 0) || Math.abs(slope) / slopeError < MIN_T) {
            return null;
        }
        double lastT = windows.get(n - 1).windowEndMs() / 1000.0;
        double value = meanR + slope * (lastT - meanT);
        double valueError = Math.sqrt(residualVariance * (1.0 / n + (lastT - meanT) * (lastT - meanT) / stt));
        return new Trend(value, slope, valueError, slopeError, requests, spanMs / 1000);
    }

    private static double rateOf(AcceleratorState.Window w) {
        return w.requests() * 1000.0 / (w.windowEndMs() - w.windowStartMs());
    }
}
