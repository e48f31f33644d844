package dev.perch.telemetry;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Perch's bucket layout, and percentiles from it against the nearest-rank percentile of the samples themselves. */
class LatencyBucketsTest {
    @Test
    void boundsGrowByFivePercentFromATenthOfAMillisecondToTenMinutes() {
        assertEquals(322, LatencyBuckets.BUCKETS, "321 bounds and the open bucket above them (docs/contract.md)");
        assertEquals(0.1, LatencyBuckets.upper(0));
        assertTrue(LatencyBuckets.upper(LatencyBuckets.BUCKETS - 2) >= 600_000);
        assertEquals(Double.POSITIVE_INFINITY, LatencyBuckets.upper(LatencyBuckets.BUCKETS - 1));
        for (int b = 1; b < LatencyBuckets.BUCKETS - 1; b++) {
            double ratio = LatencyBuckets.upper(b) / LatencyBuckets.lower(b);
            // Rounded to the microsecond: exactly 5 % apart from 1 ms up, give or take the rounding.
            assertTrue(ratio > 1 && (LatencyBuckets.lower(b) < 1 || Math.abs(ratio - 1.05) < 1e-3), b + ": " + ratio);
        }
        double bound = LatencyBuckets.upper(140);
        assertEquals(140, LatencyBuckets.index(bound), "a bound is in the bucket it closes");
        assertEquals(141, LatencyBuckets.index(Math.nextUp(bound)));
        assertEquals(0, LatencyBuckets.index(0));
        assertEquals(LatencyBuckets.BUCKETS - 1, LatencyBuckets.index(1e9));
    }

    @Test
    void aWindowsHistogramIsTrimmedToItsBucketsAndReadBackBucketForBucket() {
        double[] latencies = {12.0, 12.0, 30.0, 29.5, 700.25};
        LatencyHistogram histogram = LatencyBuckets.histogram(latencies);
        int low = LatencyBuckets.index(12.0);
        int high = LatencyBuckets.index(700.25);
        assertEquals(LatencyBuckets.upper(low - 1), histogram.boundsMs().get(0), "starts at the bound below the lowest");
        assertEquals(LatencyBuckets.upper(high), histogram.boundsMs().get(histogram.boundsMs().size() - 1));
        assertEquals(histogram.boundsMs().size() + 1, histogram.counts().size());
        assertEquals(5L, histogram.counts().stream().mapToLong(Long::longValue).sum());
        long[] expected = new long[LatencyBuckets.BUCKETS];
        for (double latency : latencies) {
            expected[LatencyBuckets.index(latency)]++;
        }
        // Through JSON, as the topology reads it: the same buckets exactly.
        LatencyHistogram read = Json.read(Json.write(histogram), LatencyHistogram.class);
        assertArrayEquals(expected, LatencyBuckets.rebin(read));
        assertNull(LatencyBuckets.histogram(new double[0]));
    }

    @Test
    void percentilesFromTheBucketsAreWithinFivePercentOfTheSamplesOwn() {
        Random random = new Random(42);
        List<DoubleSupplier> shapes = List.of(
                () -> 5 + 200 * random.nextDouble(),
                () -> Math.exp(3 + random.nextGaussian()),
                () -> 125.13 + random.nextExponential() * 400,
                () -> random.nextDouble() < 0.9 ? 10 + random.nextDouble() : 900 + 100 * random.nextDouble());
        for (DoubleSupplier shape : shapes) {
            for (int n : new int[]{1, 7, 60, 2000}) {
                double[] samples = new double[n];
                for (int i = 0; i < n; i++) {
                    samples[i] = shape.getAsDouble();
                }
                long[] counts = LatencyBuckets.rebin(LatencyBuckets.histogram(samples));
                double[] sorted = samples.clone();
                Arrays.sort(sorted);
                for (double q : new double[]{0.5, 0.95, 0.99}) {
                    double truth = Samples.nearestRank(sorted, q);
                    double estimate = LatencyBuckets.quantile(counts, n, q);
                    assertTrue(Math.abs(estimate - truth) <= 0.05 * truth, "p" + q + " of " + n + ": " + estimate + " vs " + truth);
                }
            }
        }
    }

    /**
     * A server's coarse buckets keep their own resolution: the percentile is Prometheus's
     * {@code histogram_quantile} (linear within the bucket the rank falls in), to this layout's 5 %.
     */
    @Test
    void aCoarseLayoutIsReadAsPrometheusReadsIt() {
        LatencyHistogram server = LatencyHistogram.fromCumulative(List.of(5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0),
                List.of(0L, 12L, 40L, 70L, 88L, 97L, 99L), 100);
        assertEquals(List.of(0L, 12L, 28L, 30L, 18L, 9L, 2L, 1L), server.counts());
        long[] counts = LatencyBuckets.rebin(server);
        assertEquals(100, Arrays.stream(counts).sum());
        // histogram_quantile(0.95): rank 95 falls in (100, 250], 88 below it, 9 in it: 100 + 150 × 7 / 9.
        double prometheus = 100 + 150 * 7 / 9.0;
        assertEquals(prometheus, LatencyBuckets.quantile(counts, 100, 0.95), 0.05 * prometheus);
        // The median, rank 50 in (25, 50]: 25 + 25 × 10 / 30.
        assertEquals(25 + 25 * 10 / 30.0, LatencyBuckets.quantile(counts, 100, 0.50), 0.05 * (25 + 25 * 10 / 30.0));
        // Rank 100 is the request above the last bound: all that is known is that it is over 500 ms.
        assertEquals(500, LatencyBuckets.quantile(counts, 100, 0.999), 0.05 * 500);
    }
}
