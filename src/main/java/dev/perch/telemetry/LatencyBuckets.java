package dev.perch.telemetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Perch's one latency bucket layout, in which the topology adds up the histograms of many reports and
 * takes percentiles from the sum, and which Perch's own producers fill ({@link WindowSummary}). Bounds
 * grow by 5 % from 0.1 ms to about 10 minutes (321 bounds), each rounded to the microsecond: a
 * percentile read inside a bucket is within 5 % of the true one, whatever the latency's scale.
 * Bucket {@code i} holds latencies in {@code (bound(i-1), bound(i)]} (bucket 0 from 0), the last one
 * those above the last bound.
 *
 * <p>Reports may use any layout (a server's own buckets): {@link #rebin} spreads each of their
 * buckets over this layout's in proportion to the overlap — the uniform-within-a-bucket assumption
 * Prometheus's {@code histogram_quantile} makes — so a report in this very layout lands bucket for
 * bucket, and a coarse one is no more precise here than it was.
 */
public final class LatencyBuckets {
    /** The growth from one bound to the next: the resolution of a percentile, relative. */
    public static final double RATIO = 1.05;
    private static final double FIRST_MS = 0.1;
    private static final double LAST_MS = 600_000;
    private static final double[] BOUNDS = bounds();
    /** Buckets, the open one above the last bound included. */
    public static final int BUCKETS = BOUNDS.length + 1;

    private LatencyBuckets() {
    }

    private static double[] bounds() {
        List<Double> bounds = new ArrayList<>();
        for (int i = 0; ; i++) {
            double bound = Samples.round(FIRST_MS * Math.pow(RATIO, i));
            bounds.add(bound);
            if (bound >= LAST_MS) {
                break;
            }
        }
        return bounds.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The bucket a latency falls in: the first whose upper bound is at or above it. */
    public static int index(double ms) {
        int found = Arrays.binarySearch(BOUNDS, ms);
        return found >= 0 ? found : -found - 1;
    }

    /** A bucket's lower edge (exclusive; 0 for the first). */
    public static double lower(int bucket) {
        return bucket == 0 ? 0 : BOUNDS[bucket - 1];
    }

    /** A bucket's upper bound (inclusive); infinite for the open one above the last bound. */
    public static double upper(int bucket) {
        return bucket < BOUNDS.length ? BOUNDS[bucket] : Double.POSITIVE_INFINITY;
    }

    /**
     * The histogram of one window's latencies, in this layout and trimmed to the buckets they fill
     * (with the bound below the lowest, so that a reader knows where that bucket starts); null when
     * there are none.
     */
    public static LatencyHistogram histogram(double[] latenciesMs) {
        if (latenciesMs.length == 0) {
            return null;
        }
        int[] at = new int[latenciesMs.length];
        int low = Integer.MAX_VALUE;
        int high = 0;
        for (int i = 0; i < latenciesMs.length; i++) {
            at[i] = index(latenciesMs[i]);
            low = Math.min(low, at[i]);
            high = Math.max(high, at[i]);
        }
        int first = Math.max(low - 1, 0);
        int last = Math.min(high, BOUNDS.length - 1);
        long[] counts = new long[last - first + 2];
        for (int bucket : at) {
            counts[Math.min(Math.max(bucket - first, 0), counts.length - 1)]++;
        }
        List<Double> bounds = new ArrayList<>(last - first + 1);
        for (int b = first; b <= last; b++) {
            bounds.add(BOUNDS[b]);
        }
        return new LatencyHistogram(bounds, Arrays.stream(counts).boxed().toList());
    }

    /**
     * A report's histogram in this layout (one count per bucket, {@link #BUCKETS} of them), the same
     * total. Each of its buckets is spread over the buckets it overlaps in proportion to the overlap,
     * in whole requests (largest remainder); the requests above its last bound are put just above
     * it, the least they can be. Linear in the two layouts' sizes.
     */
    public static long[] rebin(LatencyHistogram histogram) {
        long[] out = new long[BUCKETS];
        List<Double> bounds = histogram.boundsMs();
        List<Long> counts = histogram.counts();
        for (int j = 0; j < counts.size(); j++) {
            long count = counts.get(j);
            if (count == 0) {
                continue;
            }
            if (j == bounds.size()) {
                out[index(Math.nextUp(bounds.get(j - 1)))] += count;
                continue;
            }
            double low = j == 0 ? 0 : bounds.get(j - 1);
            double high = bounds.get(j);
            int from = j == 0 ? 0 : index(Math.nextUp(low));
            int to = index(high);
            if (from >= to) {
                out[to] += count;
                continue;
            }
            spread(out, count, low, high, from, to);
        }
        return out;
    }

    /** {@code count} requests of {@code (low, high]} over buckets {@code from..to}, by overlap, in whole requests. */
    private static void spread(long[] out, long count, double low, double high, int from, int to) {
        int n = to - from + 1;
        double[] share = new double[n];
        double total = 0;
        for (int k = 0; k < n; k++) {
            int bucket = from + k;
            share[k] = Math.max(0, Math.min(high, upper(bucket)) - Math.max(low, lower(bucket)));
            total += share[k];
        }
        long given = 0;
        double[] remainder = new double[n];
        for (int k = 0; k < n; k++) {
            double exact = total > 0 ? count * share[k] / total : (k == n - 1 ? count : 0);
            long whole = (long) Math.floor(exact);
            out[from + k] += whole;
            given += whole;
            remainder[k] = exact - whole;
        }
        // Fewer left than buckets (each took the floor of its share): one each to the largest remainders.
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Double.compare(remainder[b], remainder[a]));
        for (int k = 0; k < count - given; k++) {
            out[from + order[k]]++;
        }
    }

    /**
     * The nearest-rank {@code q} percentile of {@code total} requests counted in this layout: in the
     * bucket holding the request of rank ⌈q·total⌉, as far up it as that rank is among the bucket's
     * requests (spread evenly). Within a bucket of the true one, so within {@link #RATIO} of it; in
     * the open bucket, its lower edge (the last bound: all that is known). Null when there are none.
     */
    public static Double quantile(long[] counts, long total, double q) {
        return quantile(null, counts, total, q);
    }

    /**
     * The same percentile from {@code counts}, those of {@code buckets} (ascending; null: every bucket
     * of the layout in order) — a sum kept as its buckets with requests.
     */
    public static Double quantile(int[] buckets, long[] counts, long total, double q) {
        if (total <= 0) {
            return null;
        }
        long rank = Math.min(Math.max((long) Math.ceil(q * total), 1), total);
        long below = 0;
        for (int k = 0; k < counts.length; k++) {
            long here = counts[k];
            if (here > 0 && below + here >= rank) {
                int bucket = buckets == null ? k : buckets[k];
                double low = lower(bucket);
                double high = upper(bucket);
                return Double.isInfinite(high) ? low : low + (high - low) * (rank - below) / here;
            }
            below += here;
        }
        return lower(BUCKETS - 1);
    }
}
