package dev.perch.model.queueing;

import dev.perch.model.profile.SloStatistic;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One app's SLO statistic over a sliding window, as the judge of issue 19 takes it: every second,
 * over the requests completed in the last {@code windowSec} seconds — their mean, or a nearest-rank
 * percentile (as {@code Samples}), counted in bins of {@value #BIN_MS} ms up to 21 s.
 */
public final class SlidingStatistic {
    /** Latencies are counted in bins this wide (ms) for the sliding percentiles. */
    static final double BIN_MS = 0.02;
    private static final int BINS = 1 << 20;

    private final int windowSec;
    private final SloStatistic statistic;
    private final double quantile;
    private final ArrayDeque<double[]> seconds = new ArrayDeque<>();
    private final List<Double> current = new ArrayList<>();
    private final int[] tree; // Fenwick tree of counts per latency bin, for percentiles
    private double sum;
    private long count;

    public SlidingStatistic(int windowSec, SloStatistic statistic) {
        this.windowSec = windowSec;
        this.statistic = statistic;
        this.quantile = switch (statistic) {
            case MEAN -> 0;
            case P50 -> 0.50;
            case P95 -> 0.95;
            case P99 -> 0.99;
        };
        this.tree = statistic == SloStatistic.MEAN ? null : new int[BINS + 1];
    }

    public void add(double latencyMs) {
        current.add(latencyMs);
    }

    /** Closes the second just simulated; the statistic over the window that ends with it (NaN when empty). */
    public double endSecond() {
        double[] done = current.stream().mapToDouble(Double::doubleValue).toArray();
        current.clear();
        seconds.addLast(done);
        update(done, 1);
        if (seconds.size() > windowSec) {
            update(seconds.removeFirst(), -1);
        }
        if (count == 0) {
            return Double.NaN;
        }
        if (statistic == SloStatistic.MEAN) {
            return sum / count;
        }
        long rank = (long) Math.ceil(quantile * count);
        return (find(rank) + 0.5) * BIN_MS;
    }

    private void update(double[] latencies, int sign) {
        for (double latency : latencies) {
            sum += sign * latency;
            count += sign;
            if (tree != null) {
                for (int i = Math.min((int) (latency / BIN_MS), BINS - 1) + 1; i <= BINS; i += i & -i) {
                    tree[i] += sign;
                }
            }
        }
    }

    /** The 0-based bin holding the sample of the given 1-based rank. */
    private int find(long rank) {
        int position = 0;
        long remaining = rank;
        for (int step = BINS; step > 0; step >>= 1) {
            int next = position + step;
            if (next <= BINS && tree[next] < remaining) {
                position = next;
                remaining -= tree[next];
            }
        }
        return position;
    }
}
