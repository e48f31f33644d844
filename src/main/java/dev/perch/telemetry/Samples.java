package dev.perch.telemetry;

/** Statistics of recorded samples and the rounding of figures in records, the same everywhere. */
public final class Samples {
    private Samples() {
    }

    /** Nearest-rank percentile: the smallest sample with at least {@code q} of the samples at or below it. */
    public static double nearestRank(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
    }

    /** Milliseconds in records carry three decimals (microseconds): more is noise, and costs bytes. */
    public static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    public static Double round(Double value) {
        return value == null ? null : round(value.doubleValue());
    }
}
