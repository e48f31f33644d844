package dev.perch.telemetry;

import dev.perch.model.profile.SloStatistic;

/**
 * Decides, from one prediction window ({@link PredictionRecord}), what it says about an app's SLO:
 * the predicted, forecast and observed value of the SLO's statistic, whether the app is over its SLO
 * now or at the forecast horizon, and whether the window still puts it at risk. The topology's alerts
 * and the controller's reading of predictions both ask here, so they judge a window alike.
 *
 * <p>It lives in {@code telemetry} rather than next to {@link SloStatistic} in {@code model.profile}
 * because what it reads is the record: which figures a prediction window carries (observed latency
 * for the app's own statistic, the mean and the p95) is a fact of the wire format, and {@code
 * model.profile} may not see it.
 */
public final class SloEvidence {
    private SloEvidence() {
    }

    /** The predicted value of the statistic, or null (the accelerator predicted unstable, or no model). */
    public static Double predicted(PredictionRecord.AppPrediction app, SloStatistic statistic) {
        return pick(statistic, app.meanMs(), app.p50Ms(), app.p95Ms(), app.p99Ms());
    }

    /**
     * The 95 % interval of the statistic's predicted value, from the learned parameters' standard
     * errors ({@link Confidence}), or null: nothing known yet, the accelerator predicted unstable, or
     * a p50, whose error the record does not carry.
     */
    public static Confidence.Interval predictedInterval(PredictionRecord.AppPrediction app, SloStatistic statistic) {
        Confidence.Latency latency = app.confidence() == null ? null : app.confidence().latency();
        if (latency == null) {
            return null;
        }
        return Confidence.interval95(predicted(app, statistic),
                pick(statistic, latency.meanStdErrMs(), null, latency.p95StdErrMs(), latency.p99StdErrMs()));
    }

    /** The forecast value of the statistic, or null (unstable ahead, or no forecast). */
    public static Double forecast(PredictionRecord.Forecast forecast, SloStatistic statistic) {
        return forecast == null ? null : pick(statistic, forecast.meanMs(), forecast.p50Ms(), forecast.p95Ms(), forecast.p99Ms());
    }

    /**
     * The observed value of the statistic over the app's SLO window, or null. A window carries it for
     * the app's own SLO statistic ({@code observedWindowMs}), and for the mean and the p95 (what
     * dashboards show); for another statistic it has no observed value, rather than a stand-in from
     * another statistic.
     */
    public static Double observed(PredictionRecord.AppPrediction app, SloStatistic statistic) {
        if (app.observedWindowMs() != null && statistic.id().equals(app.sloStatistic())) {
            return app.observedWindowMs();
        }
        return switch (statistic) {
            case MEAN -> app.observedMeanMs();
            case P95 -> app.observedP95Ms();
            default -> null;
        };
    }

    /**
     * Over now: the accelerator predicted unstable (every app on it is then over, whatever its
     * statistic), or the app's statistic predicted over its SLO.
     */
    public static boolean overNow(PredictionRecord window, PredictionRecord.AppPrediction app, SloStatistic statistic,
                                  double sloMs) {
        Double predicted = predicted(app, statistic);
        return !window.stable() || (predicted != null && predicted > sloMs);
    }

    /**
     * Over ahead: the forecast's statistic over the SLO, or missing — a forecast without latencies
     * is one predicted unstable. A window without a forecast says nothing ahead.
     */
    public static boolean overAhead(PredictionRecord.Forecast forecast, SloStatistic statistic, double sloMs) {
        if (forecast == null) {
            return false;
        }
        Double ahead = forecast(forecast, statistic);
        return ahead == null || ahead > sloMs;
    }

    /**
     * Whether this window still puts the app at risk, by the evidence the topology's alerts weigh (a
     * window at a time, before their hysteresis): the SLO predicted unmet, over now, over ahead, or the
     * observed value over the SLO (where the window carries one). False for an app without an SLO (or
     * with a statistic it does not know) or not in this window: no evidence is no verdict.
     */
    public static boolean atRisk(PredictionRecord window, String app) {
        PredictionRecord.AppPrediction entry = window.apps().stream()
                .filter(a -> a.app().equals(app)).findFirst().orElse(null);
        if (entry == null || entry.sloMs() == null) {
            return false;
        }
        SloStatistic statistic = SloStatistic.fromId(entry.sloStatistic()).orElse(null);
        if (statistic == null) {
            return false;
        }
        if (Boolean.FALSE.equals(entry.sloMet())) {
            return true;
        }
        double sloMs = entry.sloMs();
        Double observed = observed(entry, statistic);
        return overNow(window, entry, statistic, sloMs) || overAhead(entry.forecast(), statistic, sloMs)
                || (observed != null && observed > sloMs);
    }

    private static <T> T pick(SloStatistic statistic, T meanMs, T p50Ms, T p95Ms, T p99Ms) {
        return switch (statistic) {
            case MEAN -> meanMs;
            case P50 -> p50Ms;
            case P95 -> p95Ms;
            case P99 -> p99Ms;
        };
    }
}
