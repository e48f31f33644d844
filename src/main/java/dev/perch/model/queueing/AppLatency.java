package dev.perch.model.queueing;

import dev.perch.model.profile.SloStatistic;

/**
 * One app's predicted response time end to end — mean and percentiles — and the parts of the mean
 * (on the accelerator, in the front end, the network), all in ms.
 */
public record AppLatency(String app, double meanMs, double p50Ms, double p95Ms, double p99Ms, double acceleratorMeanMs,
                         double frontendMeanMs, double networkMs) {
    /** The figure an SLO on {@code statistic} is compared with. */
    public double statistic(SloStatistic statistic) {
        return switch (statistic) {
            case MEAN -> meanMs;
            case P50 -> p50Ms;
            case P95 -> p95Ms;
            case P99 -> p99Ms;
        };
    }
}
