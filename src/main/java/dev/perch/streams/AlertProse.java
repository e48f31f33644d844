package dev.perch.streams;

import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.SloEvidence;

import java.util.Locale;

/**
 * Writes an SLO alert's reason, the sentence an app's owner reads in its status and Events: what the
 * models or the observations say, against which SLO, at which rate. Figures to one decimal — the
 * record itself carries them exactly.
 */
final class AlertProse {
    private AlertProse() {
    }

    /**
     * Why the models see the SLO at risk: the accelerator predicted unstable; or the statistic
     * predicted over the SLO now at the current rate; or within {@code secondsToViolation} at the
     * forecast rate (with the trend that takes it there).
     */
    static String impending(PredictionRecord window, PredictionRecord.AppPrediction app, Slo slo, boolean overNow,
                            Double secondsToViolation, Double observedMs) {
        if (!window.stable()) {
            return "predicted unstable: " + window.reason();
        }
        Double predictedMs = SloEvidence.predicted(app, slo.statistic());
        Double forecastMs = SloEvidence.forecast(app.forecast(), slo.statistic());
        return String.format(Locale.ROOT, "predicted %s %s %s the %.0f ms SLO at %.2f req/s%s; observed %s", slo.statistic(),
                overNow ? fmt(predictedMs) + " ms" : forecastMs == null ? "unstable" : fmt(forecastMs) + " ms",
                overNow ? "over" : "within " + fmt(secondsToViolation) + " s, over", slo.sloMs(),
                overNow ? app.ratePerSec() : app.forecast().ratePerSec(),
                app.slopePerSec2() != null && app.slopePerSec2() != 0
                        ? String.format(Locale.ROOT, " (rising %.2f req/s per s)", app.slopePerSec2()) : "",
                observedMs == null ? "none" : fmt(observedMs) + " ms");
    }

    static String violation(Slo slo, Double observedMs) {
        return String.format(Locale.ROOT, "observed %s %s ms in the last %d s, over the %.0f ms SLO", slo.statistic(),
                fmt(observedMs), slo.windowSec(), slo.sloMs());
    }

    /** Resolved: observed and predicted have stayed at or under {@code clearMs} for the whole window. */
    static String resolved(Slo slo, double clearMs) {
        return String.format(Locale.ROOT, "back within the %.0f ms %s SLO: observed and predicted at most %s ms for %d s",
                slo.sloMs(), slo.statistic(), fmt(clearMs), slo.windowSec());
    }

    private static String fmt(Double value) {
        return value == null ? "?" : String.format(Locale.ROOT, "%.1f", value);
    }
}
