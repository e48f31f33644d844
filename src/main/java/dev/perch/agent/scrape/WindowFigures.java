package dev.perch.agent.scrape;

import dev.perch.telemetry.LatencyHistogram;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.MeanSummary;
import dev.perch.telemetry.Samples;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one window from the readings at its two ends: requests and the means from the
 * increase of the sums and counts; p50/p95/p99 from the increase of the latency buckets by linear
 * interpolation within the bucket (as Prometheus's {@code histogram_quantile}), else from the
 * server's own summary quantiles at the window's end, else none. Nothing else is filled: no server
 * says how many swaps its requests paid or what the slowest took, so {@code swaps} and {@code max}
 * stay out.
 *
 * @param requests         completed requests in the window
 * @param latency          null when no request completed
 * @param service          null when the server does not say, or no request completed
 * @param queue            likewise
 * @param latencyHistogram the window's latency buckets, when the preset has a histogram whose count
 *                         is the window's requests
 */
public record WindowFigures(long requests, LatencySummary latency, MeanSummary service, MeanSummary queue,
                            LatencyHistogram latencyHistogram) {
    /** At most this many bounds in a report's histogram, as the topology admits ({@code TelemetryParser}). */
    static final int MAX_BOUNDS = 512;

    /** The outcome: the window's figures, or why the counters cannot describe one. */
    public sealed interface Result {
        record Figures(WindowFigures figures) implements Result {
        }

        record Undescribed(String reason) implements Result {
        }
    }

    /**
     * The window between two readings that {@link Reading#breakBetween} found continuous.
     * {@code service} as latency less queue is the difference of their means, never below zero.
     */
    public static Result between(Preset preset, Reading before, Reading after) {
        double requestIncrease = after.requests() - before.requests();
        long requests = Math.round(requestIncrease);
        if (requests <= 0) {
            return new Result.Figures(new WindowFigures(0, null, null, null, null));
        }
        Double latencyMs = mean(before.latency(), after.latency(), requestIncrease);
        if (latencyMs == null) {
            // The requests counter moved but the latency did not yet (a scrape between the two
            // increments): no mean is known, and the schema requires one when requests > 0.
            return new Result.Undescribed(requests + " requests completed but the latency count did not move");
        }
        Double serviceMs = mean(before.service(), after.service(), requestIncrease);
        Double queueMs = mean(before.queue(), after.queue(), requestIncrease);
        if (preset.service() instanceof Timing.LatencyLessQueue && queueMs != null) {
            serviceMs = Math.max(0, latencyMs - queueMs);
        }
        Increase buckets = increase(before.buckets(), after.buckets());
        Double p50 = null;
        Double p95 = null;
        Double p99 = null;
        if (buckets != null && buckets.total > 0) {
            p50 = quantile(buckets, 0.50);
            p95 = quantile(buckets, 0.95);
            p99 = quantile(buckets, 0.99);
        } else if (after.quantiles() != null) {
            p50 = after.quantiles().p50Ms();
            p95 = after.quantiles().p95Ms();
            p99 = after.quantiles().p99Ms();
        }
        LatencyHistogram histogram = buckets != null && Math.round(buckets.total) == requests ? histogram(buckets) : null;
        return new Result.Figures(new WindowFigures(requests,
                new LatencySummary(Samples.round(latencyMs), Samples.round(p50), Samples.round(p95), Samples.round(p99), null),
                serviceMs == null ? null : new MeanSummary(Samples.round(serviceMs)),
                queueMs == null ? null : new MeanSummary(Samples.round(queueMs)),
                histogram));
    }

    /** The mean of a timing over the window: its increase over its own count's, or over the requests'. */
    private static Double mean(Reading.Total before, Reading.Total after, double requests) {
        if (before == null || after == null) {
            return null;
        }
        double count = after.count() == null ? requests : after.count() - before.count();
        if (count <= 0) {
            return null;
        }
        return Math.max(0, (after.sumMs() - before.sumMs()) / count);
    }

    /** The window's cumulative buckets: the increase of each. */
    private record Increase(List<Double> upperMs, double[] cumulative, double total) {
    }

    /** Null when the two layouts differ or the increases do not make a histogram (not ascending, not whole). */
    private static Increase increase(Reading.Buckets before, Reading.Buckets after) {
        if (before == null || after == null || !before.upperMs().equals(after.upperMs())) {
            return null;
        }
        int n = after.upperMs().size();
        double total = after.total() - before.total();
        double[] cumulative = new double[n];
        double previous = 0;
        for (int i = 0; i < n; i++) {
            cumulative[i] = after.cumulative().get(i) - before.cumulative().get(i);
            if (cumulative[i] < previous || cumulative[i] > total || cumulative[i] != Math.rint(cumulative[i])) {
                return null;
            }
            previous = cumulative[i];
        }
        return total == Math.rint(total) ? new Increase(after.upperMs(), cumulative, total) : null;
    }

    /**
     * The q-quantile by interpolation within the bucket holding rank q·total, from the bucket's
     * lower bound (0 for the first) to its upper bound; in the open bucket above the last bound, that
     * bound — all the buckets say. So its accuracy is the layout's: within one bucket of the truth.
     */
    static double quantile(Increase buckets, double q) {
        double rank = q * buckets.total;
        double below = 0;
        double lower = 0;
        for (int i = 0; i < buckets.cumulative.length; i++) {
            double upper = buckets.upperMs.get(i);
            double atOrUnder = buckets.cumulative[i];
            if (atOrUnder >= rank && atOrUnder > below) {
                return lower + (upper - lower) * (rank - below) / (atOrUnder - below);
            }
            below = atOrUnder;
            lower = upper;
        }
        return buckets.upperMs.get(buckets.upperMs.size() - 1);
    }

    /** The report's histogram, when its layout is one the topology admits. */
    private static LatencyHistogram histogram(Increase buckets) {
        List<Double> bounds = buckets.upperMs;
        if (bounds.size() > MAX_BOUNDS) {
            return null;
        }
        for (int i = 0; i < bounds.size(); i++) {
            if (bounds.get(i) < 0 || i > 0 && bounds.get(i) <= bounds.get(i - 1)) {
                return null; // bounds closer than a microsecond merged in rounding, or a negative le
            }
        }
        List<Long> cumulative = new ArrayList<>(bounds.size());
        for (double c : buckets.cumulative) {
            cumulative.add(Math.round(c));
        }
        return LatencyHistogram.fromCumulative(bounds, cumulative, Math.round(buckets.total));
    }
}
