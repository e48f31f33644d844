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

        /** A builder whose every field starts null (the rate at 0), set by name. */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * Builds an {@link AppPrediction} field by field, by name: twenty positional arguments, most of
         * them {@code Double}, are too easy to swap unnoticed. The record itself, and so its JSON, is
         * unchanged.
         */
        public static final class Builder {
            private String app;
            private String model;
            private double ratePerSec;
            private Double slopePerSec2;
            private Double serviceMs;
            private Double swapMs;
            private Double serviceCv;
            private String parameterSource;
            private Double biasFactor;
            private Double meanMs;
            private Double p50Ms;
            private Double p95Ms;
            private Double p99Ms;
            private Forecast forecast;
            private Double observedMeanMs;
            private Double observedP95Ms;
            private Double observedRecentMeanMs;
            private Double sloMs;
            private String sloStatistic;
            private Boolean sloMet;

            private Builder() {
            }

            public Builder app(String app) {
                this.app = app;
                return this;
            }

            public Builder model(String model) {
                this.model = model;
                return this;
            }

            public Builder ratePerSec(double ratePerSec) {
                this.ratePerSec = ratePerSec;
                return this;
            }

            public Builder slopePerSec2(Double slopePerSec2) {
                this.slopePerSec2 = slopePerSec2;
                return this;
            }

            public Builder serviceMs(Double serviceMs) {
                this.serviceMs = serviceMs;
                return this;
            }

            public Builder swapMs(Double swapMs) {
                this.swapMs = swapMs;
                return this;
            }

            public Builder serviceCv(Double serviceCv) {
                this.serviceCv = serviceCv;
                return this;
            }

            public Builder parameterSource(String parameterSource) {
                this.parameterSource = parameterSource;
                return this;
            }

            public Builder biasFactor(Double biasFactor) {
                this.biasFactor = biasFactor;
                return this;
            }

            public Builder meanMs(Double meanMs) {
                this.meanMs = meanMs;
                return this;
            }

            public Builder p50Ms(Double p50Ms) {
                this.p50Ms = p50Ms;
                return this;
            }

            public Builder p95Ms(Double p95Ms) {
                this.p95Ms = p95Ms;
                return this;
            }

            public Builder p99Ms(Double p99Ms) {
                this.p99Ms = p99Ms;
                return this;
            }

            public Builder forecast(Forecast forecast) {
                this.forecast = forecast;
                return this;
            }

            public Builder observedMeanMs(Double observedMeanMs) {
                this.observedMeanMs = observedMeanMs;
                return this;
            }

            public Builder observedP95Ms(Double observedP95Ms) {
                this.observedP95Ms = observedP95Ms;
                return this;
            }

            public Builder observedRecentMeanMs(Double observedRecentMeanMs) {
                this.observedRecentMeanMs = observedRecentMeanMs;
                return this;
            }

            public Builder sloMs(Double sloMs) {
                this.sloMs = sloMs;
                return this;
            }

            public Builder sloStatistic(String sloStatistic) {
                this.sloStatistic = sloStatistic;
                return this;
            }

            public Builder sloMet(Boolean sloMet) {
                this.sloMet = sloMet;
                return this;
            }

            public AppPrediction build() {
                return new AppPrediction(app, model, ratePerSec, slopePerSec2, serviceMs, swapMs, serviceCv,
                        parameterSource, biasFactor, meanMs, p50Ms, p95Ms, p99Ms, forecast, observedMeanMs,
                        observedP95Ms, observedRecentMeanMs, sloMs, sloStatistic, sloMet);
            }
        }
    }
}
