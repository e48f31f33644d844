package dev.perch.streams;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How often {@link Trend} finds a trend where there is none, and how soon where there is one, on
 * Poisson counts drawn here. The bound for a flat rate is the normal law's: a slope
 * {@value Trend#MIN_T} standard errors up comes by chance in 0.023 % of samples, either way in 0.047 %.
 */
class TrendTest {
    private static final int WINDOWS = 30;

    @Test
    void aConstantRateSeldomPassesForATrend() {
        Random random = new Random(20261207);
        for (double rate : new double[]{0.2, 1, 5}) {
            int samples = 20_000;
            int up = 0;
            int either = 0;
            for (int k = 0; k < samples; k++) {
                List<AcceleratorState.Window> windows = new ArrayList<>();
                for (int s = 0; s < WINDOWS; s++) {
                    windows.add(window(s, poisson(random, rate)));
                }
                Trend trend = Trend.significant(windows);
                if (trend != null) {
                    either++;
                    up += trend.slopePerSec2() > 0 ? 1 : 0;
                }
            }
            // 20,000 samples at the normal law's 0.023 % are 4.7 ± 2.2: the bounds are about twice that.
            // Taking the line's scatter alone for the counts' gave 56 upward at 1 req/s with the
            // threshold at 3 (0.27 % at 28 degrees of freedom), and 14 with the Poisson floor at 3.
            assertTrue(up <= 0.0005 * samples, rate + " req/s: " + up + " upward trends in " + samples);
            assertTrue(either <= 0.0010 * samples, rate + " req/s: " + either + " trends in " + samples);
        }
    }

    @Test
    void aRampIsFoundWellBeforeItsEnd() {
        // The boost scenario's: 5 to 25 req/s over 20 s, from 60 s.
        Random random = new Random(7);
        int runs = 400;
        int foundWithin12 = 0;
        for (int run = 0; run < runs; run++) {
            List<AcceleratorState.Window> windows = new ArrayList<>();
            for (int s = 0; s < 72; s++) {
                double rate = s < 60 ? 5 : 5 + (s + 1 - 60);
                windows.add(window(s, poisson(random, rate)));
                if (windows.size() > WINDOWS) {
                    windows.remove(0);
                }
                Trend trend = s >= 60 ? Trend.significant(windows) : null;
                if (trend != null && trend.slopePerSec2() > 0) {
                    foundWithin12++;
                    break;
                }
            }
        }
        assertTrue(foundWithin12 >= 0.9 * runs, foundWithin12 + " of " + runs + " ramps found within 12 s");
    }

    private static AcceleratorState.Window window(int second, long requests) {
        return new AcceleratorState.Window(second * 1000L, (second + 1) * 1000L, requests, null, null, null, null,
                null, null);
    }

    /** Knuth's: the count of uniform draws whose product stays above e^−λ. */
    private static long poisson(Random random, double lambda) {
        double limit = Math.exp(-lambda);
        double product = random.nextDouble();
        long count = 0;
        while (product > limit) {
            count++;
            product *= random.nextDouble();
        }
        return count;
    }
}
