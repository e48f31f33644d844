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

    /** Adds these counts into a full array. */
    void addTo(long[] dense) {
        for (int k = 0; k < buckets.length; k++) {
            dense[buckets[k]] += counts[k];
        }
    }

    /** These counts and a full array's, added. */
    SparseBuckets plus(long[] dense) {
        long[] sum = dense.clone();
        addTo(sum);
        return of(sum);
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
