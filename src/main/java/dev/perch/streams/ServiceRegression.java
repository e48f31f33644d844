package dev.perch.streams;

/**
 * Decides an app's service and swap time on one accelerator, and how sure they are, from the
 * regression sums of {@link Learned.ServiceSums} and the catalog's prior.
 *
 * <p>A window's mean on-device time is {@code y = S + O·f}, f the share of its requests that swapped,
 * and it scatters around that line with variance σ²/n for n requests. The estimate is weighted least
 * squares with forgetting, the prior entering as pseudo-requests ({@code priorWeight} at f = 0 with
 * y = S₀; on an Edge TPU {@code swapPriorWeight} at f = 1 with y = S₀ + O₀). Forgetting weighs windows
 * by γᵃ·n where their precision is n, so the covariance is the sandwich (XᵀCX)⁻¹·σ²XᵀC²X/n·(XᵀCX)⁻¹,
 * not σ²(XᵀCX)⁻¹ — the latter would overstate it by about (1+γ)/(1−γ) over 1/(1−γ), √2 in the
 * standard error. σ² is the weighted residual square per window, corrected for the parameters fitted
 * on the effective number of windows (Σγᵃ)²/Σγ²ᵃ. {@code swapFitted} says whether the swap time was
 * fitted (windows, or the prior, at more than one swap share); when not, it is {@code o0}.
 */
record ServiceRegression(double serviceMs, double swapMs, double sigmaMs, double serviceVariance, double swapVariance,
                         double effectiveWindows, boolean swapFitted) {
    /** The estimate, or null when there is neither data nor a prior. {@code o0} is 0 where nothing swaps. */
    static ServiceRegression fit(Learned.ServiceSums s, boolean swaps, double w0, double w1, double s0, double o0) {
        double sw = s.sw() + w0 + w1;
        double swf = s.swf() + w1;
        double swff = s.swff() + w1;
        double swy = s.swy() + w0 * s0 + w1 * (s0 + o0);
        double swfy = s.swfy() + w1 * (s0 + o0);
        if (sw <= 0) {
            return null;
        }
        double determinant = sw * swff - swf * swf;
        boolean twoParameters = swaps && determinant > 1e-9 * sw * sw;
        double service;
        double swap;
        if (twoParameters) {
            swap = (sw * swfy - swf * swy) / determinant;
            service = (swy - swap * swf) / sw;
        } else {
            service = swy / sw;
            swap = o0;
        }
        int parameters = twoParameters ? 2 : 1;
        double effectiveWindows = s.windowsSq() > 0 ? s.windows() * s.windows() / s.windowsSq() : 0;
        double sigma2 = Double.NaN;
        if (s.sw() > 0 && effectiveWindows > parameters) {
            // Σγᵃ·n·(y − ŷ)², expanded in the sums; each window's term estimates σ² (its mean's variance is σ²/n).
            double residual = s.swyy() - 2 * service * s.swy() - 2 * swap * s.swfy() + service * service * s.sw()
                    + 2 * service * swap * s.swf() + swap * swap * s.swff();
            sigma2 = Math.max(residual, 0) / s.windows() * effectiveWindows / (effectiveWindows - parameters);
        }
        double serviceVariance = Double.NaN;
        double swapVariance = Double.NaN;
        if (Double.isFinite(sigma2)) {
            // The meat: the prior's pseudo-requests count as data of their own weight (they are few).
            double qw = s.qw() + w0 + w1;
            double qwf = s.qwf() + w1;
            double qwff = s.qwff() + w1;
            if (twoParameters) {
                // A⁻¹ = [[swff, −swf], [−swf, sw]] / det; Cov = σ²·A⁻¹·Q·A⁻¹.
                double a = swff / determinant;
                double b = -swf / determinant;
                double d = sw / determinant;
                serviceVariance = sigma2 * (a * a * qw + 2 * a * b * qwf + b * b * qwff);
                swapVariance = sigma2 * (b * b * qw + 2 * b * d * qwf + d * d * qwff);
            } else {
                serviceVariance = sigma2 * qw / (sw * sw);
            }
        }
        return new ServiceRegression(service, swap, Double.isFinite(sigma2) ? Math.sqrt(sigma2) : Double.NaN,
                serviceVariance, swapVariance, effectiveWindows, twoParameters);
    }
}
