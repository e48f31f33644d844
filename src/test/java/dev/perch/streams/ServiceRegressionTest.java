package dev.perch.streams;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The standard errors {@link ServiceRegression} states against the spread of its estimates over many
 * independent samples whose truth is known: windows of n requests whose mean scatters as σ²/n about
 * S + O·f, folded in with Learning's forgetting.
 */
class ServiceRegressionTest {
    private static final double SERVICE_MS = 5;
    private static final double SWAP_MS = 10;
    private static final double SIGMA_MS = 2;
    private static final int REPLICATIONS = 2000;

    @Test
    void statedErrorsAreTheEstimatesSpreadOnAnEdgeTpu() {
        check(true);
    }

    @Test
    void statedErrorIsTheEstimatesSpreadWithoutSwaps() {
        check(false);
    }

    private static void check(boolean swaps) {
        SplittableRandom random = new SplittableRandom(42);
        double[] services = new double[REPLICATIONS];
        double[] swapTimes = new double[REPLICATIONS];
        double serviceErrors = 0;
        double swapErrors = 0;
        for (int r = 0; r < REPLICATIONS; r++) {
            Learned state = Learned.EMPTY;
            for (int k = 0; k < 400; k++) {
                long n = 5 + random.nextInt(20);
                long swapped = swaps ? random.nextInt((int) n + 1) : 0;
                double f = swapped / (double) n;
                double meanMs = SERVICE_MS + SWAP_MS * f + random.nextGaussian() * SIGMA_MS / Math.sqrt(n);
                AcceleratorState.Window w = new AcceleratorState.Window(k * 1000L, (k + 1) * 1000L, n, null, null, null,
                        null, meanMs, swapped);
                state = Learning.DEFAULT.observe(state, w, java.util.List.of(w));
            }
            // No prior: the data alone.
            ServiceRegression fit = ServiceRegression.fit(state.service(), swaps, 0, 0, 0, 0);
            services[r] = fit.serviceMs();
            swapTimes[r] = fit.swapMs();
            serviceErrors += Math.sqrt(fit.serviceVariance());
            swapErrors += swaps ? Math.sqrt(fit.swapVariance()) : 0;
            assertEquals(SIGMA_MS, fit.sigmaMs(), 0.5, "σ recovered from the residuals");
        }
        // With 2000 samples the spread itself is known to about 1.6 %.
        assertEquals(sd(services), serviceErrors / REPLICATIONS, 0.06 * sd(services), "service");
        if (swaps) {
            assertEquals(sd(swapTimes), swapErrors / REPLICATIONS, 0.06 * sd(swapTimes), "swap");
        }
    }

    private static double sd(double[] values) {
        double mean = java.util.Arrays.stream(values).average().orElseThrow();
        return Math.sqrt(java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / (values.length - 1));
    }
}
