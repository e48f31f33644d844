package dev.perch.streams;

import dev.perch.telemetry.LatencyBuckets;

import java.util.Arrays;

/**
 * Bucket counts in Perch's layout ({@link LatencyBuckets}) that keep only the buckets with requests,
 * in ascending order: a second's requests fill a handful of the layout's 322, and the state holding
 * them is written on every report.
 */
final class SparseBuckets {
    static final SparseBuckets NONE = new SparseBuckets(new int[0], new long[0]);

    private final int[] buckets;
    private final long[] counts;

    SparseBuckets(int[] buckets, long[] counts) {
        if (buckets.length != counts.length) {
            throw new IllegalArgumentException(buckets.length + " buckets, " + counts.length + " counts");
        }
        this.buckets = buckets;
        this.counts = counts;
    }

    /** The buckets of a full array (one count per bucket of the layout) that have requests. */
    static SparseBuckets of(long[] dense) {
        int n = 0;
        for (long count : dense) {
            if (count != 0) {
                n++;
            }
        }
        int[] buckets = new int[n];
        long[] counts = new long[n];
        int k = 0;
        for (int b = 0; b < dense.length; b++) {
            if (dense[b] != 0) {
                buckets[k] = b;
                counts[k++] = dense[b];
            }
        }
        return new SparseBuckets(buckets, counts);
    }

    int size() {
        return buckets.length;
    }

    int bucket(int k) {
        return buckets[k];
    }

    long count(int k) {
        return counts[k];
    }

    /** These counts and another's, added. */
    SparseBuckets plus(SparseBuckets other) {
        return combined(other, 1);
    }

    /**
     * These counts less another's, which they include: a window's sum less the slot that left it.
     * Counts are whole requests, so a sum kept this way is exact, and equal to one added up afresh.
     */
    SparseBuckets minus(SparseBuckets other) {
        return combined(other, -1);
    }

    private SparseBuckets combined(SparseBuckets other, int sign) {
        if (other.buckets.length == 0) {
            return this;
        }
        int[] bucketsOut = new int[buckets.length + other.buckets.length];
        long[] countsOut = new long[bucketsOut.length];
        int n = 0;
        int i = 0;
        int j = 0;
        while (i < buckets.length || j < other.buckets.length) {
            int bucket;
            long count;
            if (j == other.buckets.length || (i < buckets.length && buckets[i] < other.buckets[j])) {
                bucket = buckets[i];
                count = counts[i++];
            } else if (i == buckets.length || other.buckets[j] < buckets[i]) {
                bucket = other.buckets[j];
                count = sign * other.counts[j++];
            } else {
                bucket = buckets[i];
                count = counts[i++] + sign * other.counts[j++];
            }
            if (count < 0) {
                throw new IllegalArgumentException("bucket " + bucket + " would hold " + count + " requests: " + this
                        + " does not include " + other);
            }
            if (count != 0) {
                bucketsOut[n] = bucket;
                countsOut[n++] = count;
            }
        }
        return new SparseBuckets(Arrays.copyOf(bucketsOut, n), Arrays.copyOf(countsOut, n));
    }

    /** The nearest-rank {@code q} percentile of these {@code total} requests ({@link LatencyBuckets#quantile}). */
    Double quantile(long total, double q) {
        return LatencyBuckets.quantile(buckets, counts, total, q);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseBuckets other && Arrays.equals(buckets, other.buckets) && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(buckets) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (int k = 0; k < buckets.length; k++) {
            text.append(k == 0 ? "" : ", ").append(buckets[k]).append('=').append(counts[k]);
        }
        return text.append('}').toString();
    }
}
