package dev.perch.telemetry;

import dev.perch.model.profile.SloStatistic;

import java.util.Arrays;

/** Statistics of recorded samples and the rounding of figures in records, the same everywhere. */
public final class Samples {
    private Samples() {
    }

    /** Nearest-rank percentile: the smallest sample with at least {@code q} of the samples at or below it. */
    public static double nearestRank(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
    }

    /** The value of an SLO statistic over samples (in any order): their mean, or a nearest-rank percentile. */
    public static double statistic(double[] samples, SloStatistic statistic) {
        if (statistic == SloStatistic.MEAN) {
            return Arrays.stream(samples).average().orElse(0);
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        double q = switch (statistic) {
            case P50 -> 0.50;
            case P95 -> 0.95;
            case P99 -> 0.99;
            case MEAN -> throw new AssertionError();
        };
        return nearestRank(sorted, q);
    }

    /** Milliseconds in records carry three decimals (microseconds): more is noise, and costs bytes. */
    public static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    public static Double round(Double value) {
        return value == null ? null : round(value.doubleValue());
    }
}
