package dev.perch.telemetry;

import java.util.List;

/**
 * What the models predict for every app on one accelerator after one telemetry window ({@code
 * perch.predictions.v1}, keyed by accelerator; one record per accelerator and window, written once the
 * window's reports are in), with the parameters used, so that every number can be explained. {@code
 * reportedApps} names the apps whose reports of the window it covers (null in records written before
 * it existed, one per report). Latencies are null when the accelerator is predicted unstable. Data
 * only: what a window says about an app's SLO is {@link SloEvidence}'s to decide.
 */
public record PredictionRecord(String schema, String accelerator, String acceleratorType, String node,
                               long windowStartMs, long windowEndMs, double utilization, boolean stable, String reason,
                               List<AppPrediction> apps, List<String> reportedApps) {
    public static final String SCHEMA = "perch.predictions.v1";

    /** A record without the apps that reported, as records were written before windows were predicted whole. */
    public PredictionRecord(String schema, String accelerator, String acceleratorType, String node, long windowStartMs,
                            long windowEndMs, double utilization, boolean stable, String reason, List<AppPrediction> apps) {
        this(schema, accelerator, acceleratorType, node, windowStartMs, windowEndMs, utilization, stable, reason, apps,
                null);
    }

    /** The prediction at the forecast rates {@code horizonSec} ahead (latencies null when unstable). */
    public record Forecast(double horizonSec, double ratePerSec, Double meanMs, Double p50Ms, Double p95Ms, Double p99Ms) {
    }

    /**
     * One app's parameters (rate since it last changed, service and swap times and where they
     * came from), its predicted latency, and its observed latency over its SLO window of
     * {@code sloWindowSec} ({@code observedMeanMs}, {@code observedP95Ms}, and {@code
     * observedWindowMs}, its SLO's statistic) with the seconds judged against its SLO on this
     * accelerator and those over it, how sure the topology is of its parameters and latencies
     * ({@link Confidence}), and its resident memory as its latest report with one gave ({@code
     * memoryMb}, MiB; null while none has). What a window says about the app's SLO is {@link
     * SloEvidence}'s to decide.
     */
    public record AppPrediction(String app, String model, double ratePerSec, Double slopePerSec2, Double serviceMs,
                                Double swapMs, Double serviceCv, String parameterSource, Double biasFactor,
                                Double meanMs, Double p50Ms, Double p95Ms, Double p99Ms, Forecast forecast,
                                Double observedMeanMs, Double observedP95Ms, Double observedRecentMeanMs,
                                Double sloMs, String sloStatistic, Boolean sloMet, Integer sloWindowSec,
                                Double observedWindowMs, Long judgedSeconds, Long violationSeconds,
                                Confidence confidence, Double memoryMb) {
        /** An entry without the app's memory, as records were written before it existed. */
        public AppPrediction(String app, String model, double ratePerSec, Double slopePerSec2, Double serviceMs,
                             Double swapMs, Double serviceCv, String parameterSource, Double biasFactor,
                             Double meanMs, Double p50Ms, Double p95Ms, Double p99Ms, Forecast forecast,
                             Double observedMeanMs, Double observedP95Ms, Double observedRecentMeanMs,
                             Double sloMs, String sloStatistic, Boolean sloMet, Integer sloWindowSec,
                             Double observedWindowMs, Long judgedSeconds, Long violationSeconds,
                             Confidence confidence) {
            this(app, model, ratePerSec, slopePerSec2, serviceMs, swapMs, serviceCv, parameterSource, biasFactor, meanMs,
                    p50Ms, p95Ms, p99Ms, forecast, observedMeanMs, observedP95Ms, observedRecentMeanMs, sloMs,
                    sloStatistic, sloMet, sloWindowSec, observedWindowMs, judgedSeconds, violationSeconds, confidence,
                    null);
        }

        /** An entry without the confidence of what was learned, as records were written before it existed. */
        public AppPrediction(String app, String model, double ratePerSec, Double slopePerSec2, Double serviceMs,
                             Double swapMs, Double serviceCv, String parameterSource, Double biasFactor,
                             Double meanMs, Double p50Ms, Double p95Ms, Double p99Ms, Forecast forecast,
                             Double observedMeanMs, Double observedP95Ms, Double observedRecentMeanMs,
                             Double sloMs, String sloStatistic, Boolean sloMet, Integer sloWindowSec,
                             Double observedWindowMs, Long judgedSeconds, Long violationSeconds) {
            this(app, model, ratePerSec, slopePerSec2, serviceMs, swapMs, serviceCv, parameterSource, biasFactor, meanMs,
                    p50Ms, p95Ms, p99Ms, forecast, observedMeanMs, observedP95Ms, observedRecentMeanMs, sloMs,
                    sloStatistic, sloMet, sloWindowSec, observedWindowMs, judgedSeconds, violationSeconds,
                    (Confidence) null);
        }

        /** An entry without the SLO window's figures, as records were written before they existed. */
        public AppPrediction(String app, String model, double ratePerSec, Double slopePerSec2, Double serviceMs,
                             Double swapMs, Double serviceCv, String parameterSource, Double biasFactor,
                             Double meanMs, Double p50Ms, Double p95Ms, Double p99Ms, Forecast forecast,
                             Double observedMeanMs, Double observedP95Ms, Double observedRecentMeanMs,
                             Double sloMs, String sloStatistic, Boolean sloMet) {
            this(app, model, ratePerSec, slopePerSec2, serviceMs, swapMs, serviceCv, parameterSource, biasFactor, meanMs,
                    p50Ms, p95Ms, p99Ms, forecast, observedMeanMs, observedP95Ms, observedRecentMeanMs, sloMs,
                    sloStatistic, sloMet, null, null, null, null);
        }

        /** A builder whose every field starts null (the rate at 0), set by name. */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * Builds an {@link AppPrediction} field by field, by name: two dozen positional arguments, most of
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
            private Integer sloWindowSec;
            private Double observedWindowMs;
            private Long judgedSeconds;
            private Long violationSeconds;
            private Confidence confidence;
            private Double memoryMb;

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

            public Builder sloWindowSec(Integer sloWindowSec) {
                this.sloWindowSec = sloWindowSec;
                return this;
            }

            public Builder observedWindowMs(Double observedWindowMs) {
                this.observedWindowMs = observedWindowMs;
                return this;
            }

            public Builder judgedSeconds(Long judgedSeconds) {
                this.judgedSeconds = judgedSeconds;
                return this;
            }

            public Builder violationSeconds(Long violationSeconds) {
                this.violationSeconds = violationSeconds;
                return this;
            }

            public Builder confidence(Confidence confidence) {
                this.confidence = confidence;
                return this;
            }

            public Builder memoryMb(Double memoryMb) {
                this.memoryMb = memoryMb;
                return this;
            }

            public AppPrediction build() {
                return new AppPrediction(app, model, ratePerSec, slopePerSec2, serviceMs, swapMs, serviceCv,
                        parameterSource, biasFactor, meanMs, p50Ms, p95Ms, p99Ms, forecast, observedMeanMs,
                        observedP95Ms, observedRecentMeanMs, sloMs, sloStatistic, sloMet, sloWindowSec,
                        observedWindowMs, judgedSeconds, violationSeconds, confidence, memoryMb);
            }
        }
    }
}
