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
