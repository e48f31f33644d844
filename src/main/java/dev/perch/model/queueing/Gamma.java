package dev.perch.model.queueing;

/** Quantiles of a gamma distribution fitted to a mean and a variance (Wilson–Hilferty, 1931). */
final class Gamma {
    private Gamma() {
    }

    static double quantile(double mean, double variance, double q) {
        if (variance <= 1e-12 * mean * mean) {
            return mean;
        }
        double shape = mean * mean / variance;
        double z = Normal.quantile(q);
        double cube = 1 - 1 / (9 * shape) + z / (3 * Math.sqrt(shape));
        return Math.max(0, mean * cube * cube * cube);
    }

    /**
     * The density at the {@code q}-quantile of the same fit: the Wilson–Hilferty quantile
     * {@code m·c³}, {@code c = 1 − 1/(9k) + z/(3√k)}, rises by {@code m·c²/√k} per unit of z, and z
     * by {@code 1/φ(z)} per unit of probability. Infinite for a latency that does not vary.
     */
    static double density(double mean, double variance, double q) {
        if (variance <= 1e-12 * mean * mean) {
            return Double.POSITIVE_INFINITY;
        }
        double shape = mean * mean / variance;
        double z = Normal.quantile(q);
        double cube = 1 - 1 / (9 * shape) + z / (3 * Math.sqrt(shape));
        double slope = mean * cube * cube / Math.sqrt(shape);
        return slope > 0 ? Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI) / slope : Double.POSITIVE_INFINITY;
    }

    /**
     * Standard normal quantiles for the three percentiles Perch reports and the 0.9999 that sizes a
     * grid, and a general fallback.
     */
    static final class Normal {
        private Normal() {
        }

        static double quantile(double q) {
            if (q == 0.50) {
                return 0;
            }
            if (q == 0.95) {
                return 1.6448536269514722;
            }
            if (q == 0.99) {
                return 2.3263478740408408;
            }
            if (q == 0.9999) {
                return 3.7190164854556804;
            }
            // Any other level: bisection on the CDF below (Perch itself only asks for the four above).
            double lo = -8;
            double hi = 8;
            for (int i = 0; i < 60; i++) {
                double mid = (lo + hi) / 2;
                if (cdf(mid) < q) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return (lo + hi) / 2;
        }

        /** Φ(x) by the Zelen–Severo approximation (error below 7.5e−8). */
        static double cdf(double x) {
            double t = 1 / (1 + 0.2316419 * Math.abs(x));
            double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
            double tail = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) * poly;
            return x >= 0 ? 1 - tail : tail;
        }
    }
}
