package dev.perch.sim;

/** Empirical percentiles of sorted samples. */
final class Percentiles {
    private Percentiles() {
    }

    /** Nearest-rank percentile: the smallest sample with at least {@code q} of the samples at or below it. */
    static double nearestRank(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
    }
}
