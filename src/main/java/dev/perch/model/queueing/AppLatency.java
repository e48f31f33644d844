package dev.perch.model.queueing;

import dev.perch.model.profile.SloStatistic;

/**
 * One app's predicted response time end to end — mean and percentiles — the parts of the mean (on
 * the accelerator, in the front end, the network), all in ms, and how it spreads from request to
 * request and over time ({@link LatencySpread}), which decides its statistic over a window.
 */
public record AppLatency(String app, double meanMs, double p50Ms, double p95Ms, double p99Ms, double acceleratorMeanMs,
                         double frontendMeanMs, double networkMs, LatencySpread spread) {
    /** A prediction without its spread (its windowed statistic is then the steady-state one). */
    public AppLatency(String app, double meanMs, double p50Ms, double p95Ms, double p99Ms, double acceleratorMeanMs,
                      double frontendMeanMs, double networkMs) {
        this(app, meanMs, p50Ms, p95Ms, p99Ms, acceleratorMeanMs, frontendMeanMs, networkMs, LatencySpread.NONE);
    }

    public AppLatency {
        if (spread == null) {
            spread = LatencySpread.NONE;
        }
    }

    /** The figure an SLO on {@code statistic} is compared with. */
    public double statistic(SloStatistic statistic) {
        return switch (statistic) {
            case MEAN -> meanMs;
            case P50 -> p50Ms;
            case P95 -> p95Ms;
            case P99 -> p99Ms;
        };
    }

    /** The distribution of {@code statistic} over a window of {@code windowSec} seconds of this app's requests. */
    public WindowedStatistic window(SloStatistic statistic, int windowSec) {
        return WindowedStatistic.of(statistic, statistic(statistic), spread, windowSec);
    }
}
