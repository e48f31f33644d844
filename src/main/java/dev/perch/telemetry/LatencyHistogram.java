package dev.perch.telemetry;

import java.util.ArrayList;
import java.util.List;

/**
 * A window's end-to-end latencies as bucket counts ({@code latencyHistogram} in a telemetry report):
 * {@code boundsMs} ascending upper bounds, {@code counts} one more than them — {@code counts[0]}
 * the requests at or under {@code boundsMs[0]}, {@code counts[i]} those in {@code (boundsMs[i-1],
 * boundsMs[i]]}, the last those above the last bound. Non-cumulative, so that a report's buckets are
 * the window's own; they sum to the report's {@code requests}. Optional: with it, the topology's
 * percentiles over an SLO window are those of the window's requests, not a mean of per-second
 * percentiles ({@link LatencyBuckets}).
 */
public record LatencyHistogram(List<Double> boundsMs, List<Long> counts) {
    public LatencyHistogram {
        boundsMs = List.copyOf(boundsMs);
        counts = List.copyOf(counts);
    }

    /**
     * From a Prometheus or OpenMetrics histogram's cumulative {@code le} buckets, as a node agent
     * reads them: {@code le} the finite bounds in ascending order, {@code cumulative} the count at or
     * under each, and {@code total} the {@code +Inf} bucket ({@code _count}). The caller takes the
     * difference of two scrapes first — the server's buckets count since it started, a report counts
     * one window. Each bucket is its cumulative count less the one before it; the last, the
     * requests above the last bound, is {@code total} less the last cumulative count.
     */
    public static LatencyHistogram fromCumulative(List<Double> le, List<Long> cumulative, long total) {
        if (le.size() != cumulative.size()) {
            throw new IllegalArgumentException("le has " + le.size() + " bounds, cumulative " + cumulative.size() + " counts");
        }
        List<Long> counts = new ArrayList<>(le.size() + 1);
        long before = 0;
        for (long atOrUnder : cumulative) {
            counts.add(atOrUnder - before);
            before = atOrUnder;
        }
        counts.add(total - before);
        return new LatencyHistogram(le, counts);
    }
}
