package dev.perch.agent.scrape;

import java.util.List;

/**
 * Where a server keeps one timing of its requests — end-to-end latency, time on the device, or
 * time in its queue — and so how the mean of a window is taken from two scrapes.
 */
public sealed interface Timing {
    /**
     * Cumulative time counters, summed (Triton's compute time is its input, infer and output
     * counters together). They carry no count of their own: a window's mean is the increase of the
     * sum over the increase of the preset's request counter.
     */
    record Counters(List<String> names, MetricUnit unit) implements Timing {
        public Counters {
            names = List.copyOf(names);
            if (names.isEmpty()) {
                throw new IllegalArgumentException("a counter timing needs at least one metric name");
            }
        }
    }

    /**
     * A histogram ({@code _sum}, {@code _count}, {@code _bucket{le}}): a window's mean is the
     * increase of {@code _sum} over that of {@code _count}; its buckets give percentiles and the
     * report's {@code latencyHistogram}.
     */
    record Histogram(String name, MetricUnit unit) implements Timing {
    }

    /**
     * A summary ({@code _sum}, {@code _count}, and optionally {@code {quantile="…"}} series): the mean
     * as for a histogram; the quantiles, which the server computes over its own sliding window, are
     * read as they stand at the scrape.
     */
    record Summary(String name, MetricUnit unit) implements Timing {
    }

    /**
     * TorchServe's time on the device: its inference latency, which includes the time in its queue,
     * less that queue time — both per request, so the difference of the two means.
     */
    record LatencyLessQueue() implements Timing {
    }
}
