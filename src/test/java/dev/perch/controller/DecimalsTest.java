package dev.perch.controller;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Decimals#fixed} writes what {@code String.format(Locale.ROOT, "%.Nf")} writes. */
class DecimalsTest {
    @Test
    void writesWhatTheFormatterWrites() {
        double[] edges = {0, -0.0, 0.5, 1.5, 2.5, -0.5, -0.4, 0.125, 0.005, 1.005, 2.675, 0.045, 99.995, 1e-7, -1e-7,
                123456789.125, 0.994999, 0.995, Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double value : edges) {
            for (int decimals = 0; decimals <= 3; decimals++) {
                assertEquals(String.format(Locale.ROOT, "%." + decimals + "f", value), Decimals.fixed(value, decimals), value + "/" + decimals);
            }
        }
        SplittableRandom random = new SplittableRandom(21);
        for (int i = 0; i < 100_000; i++) {
            // Plain draws, and values on a rounding boundary of two or three decimals (give or take the last bit).
            double value = i % 2 == 0 ? random.nextDouble(-200, 200)
                    : (random.nextInt(-200_000, 200_000) + 0.5) / (random.nextBoolean() ? 100 : 1000);
            int decimals = random.nextInt(3);
            assertEquals(String.format(Locale.ROOT, "%." + decimals + "f", value), Decimals.fixed(value, decimals), value + "/" + decimals);
        }
    }
}
