package dev.perch.telemetry;

import java.util.List;

/**
 * What the models predict for every app on one accelerator after a window ({@code
 * perch.predictions.v1}, keyed by accelerator), with the parameters used, so that every number can be
 * explained. Latencies are null when the accelerator is predicted unstable.
 */
public record PredictionRecord(String schema, String accelerator, String acceleratorType, String node,
                               long windowStartMs, long windowEndMs, double utilization, boolean stable, String reason,
                               List<AppPrediction> apps) {
    public static final String SCHEMA = "perch.predictions.v1";

    /**
     * One app's parameters (rate over the last observation span, service and swap times and where they
     * came from) and its predicted and observed latency.
     */
    /** The prediction at the forecast rates {@code horizonSec} ahead (latencies null when unstable). */
    public record Forecast(double horizonSec, double ratePerSec, Double meanMs, Double p50Ms, Double p95Ms, Double p99Ms) {
        /** The forecast value of a statistic, or null (unstable ahead). */
        public Double value(dev.perch.model.profile.SloStatistic statistic) {
            return switch (statistic) {
                case MEAN -> meanMs;
                case P50 -> p50Ms;
                case P95 -> p95Ms;
                case P99 -> p99Ms;
            };
        }
    }

    /**
     * Whether this window still puts the app at risk, by the evidence the topology's alerts weigh
     * (a window at a time, before their hysteresis): the accelerator predicted unstable, or the
     * predicted, forecast or observed value of the app's SLO statistic over its SLO (observed only
     * where the record carries it: mean and p95). False for an app without an SLO (or with a statistic
     * it does not know) or not in this window.
     */
    public boolean atRisk(String app) {
        AppPrediction entry = apps.stream().filter(a -> a.app().equals(app)).findFirst().orElse(null);
        java.util.Optional<dev.perch.model.profile.SloStatistic> parsed = entry == null || entry.sloStatistic() == null
                ? java.util.Optional.empty() : dev.perch.model.profile.SloStatistic.fromId(entry.sloStatistic());
        if (entry == null || entry.sloMs() == null || parsed.isEmpty()) {
            return false;
        }
        if (Boolean.FALSE.equals(entry.sloMet())) {
            return true;
        }
        dev.perch.model.profile.SloStatistic statistic = parsed.get();
        double sloMs = entry.sloMs();
        Double observed = switch (statistic) {
            case MEAN -> entry.observedMeanMs();
            case P95 -> entry.observedP95Ms();
            default -> null;
        };
        return overNow(entry, statistic, sloMs) || overAhead(entry.forecast(), statistic, sloMs)
                || (observed != null && observed > sloMs);
    }

    /** The topology's "over now": the accelerator predicted unstable, or the app's statistic predicted over its SLO. */
    public boolean overNow(AppPrediction app, dev.perch.model.profile.SloStatistic statistic, double sloMs) {
        Double predicted = app.predicted(statistic);
        return !stable || (predicted != null && predicted > sloMs);
    }

    /**
     * The topology's "over ahead": the forecast's statistic over the SLO, or missing (unstable
     * ahead). A window without a forecast says nothing ahead.
     */
    public static boolean overAhead(Forecast forecast, dev.perch.model.profile.SloStatistic statistic, double sloMs) {
        return forecast != null && (forecast.value(statistic) == null || forecast.value(statistic) > sloMs);
    }

    public record AppPrediction(String app, String model, double ratePerSec, Double slopePerSec2, Double serviceMs,
                                Double swapMs, Double serviceCv, String parameterSource, Double biasFactor,
                                Double meanMs, Double p50Ms, Double p95Ms, Double p99Ms, Forecast forecast,
                                Double observedMeanMs, Double observedP95Ms, Double observedRecentMeanMs,
                                Double sloMs, String sloStatistic, Boolean sloMet) {
        /** The predicted value of the SLO's statistic, or null. */
        public Double predicted(dev.perch.model.profile.SloStatistic statistic) {
            return switch (statistic) {
                case MEAN -> meanMs;
                case P50 -> p50Ms;
                case P95 -> p95Ms;
                case P99 -> p99Ms;
            };
        }
    }
}
