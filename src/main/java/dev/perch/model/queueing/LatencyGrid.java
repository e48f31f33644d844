package dev.perch.model.queueing;

/**
 * Probability masses on the points {@code 0, dt, 2·dt, …, (K−1)·dt} — a response-time distribution
 * as the tail models compute it. Every operation preserves the mean exactly (masses between grid
 * points are split linearly); mass that would fall beyond the last point stays on the last point.
 */
final class LatencyGrid {
    final double dt;
    final double[] mass;

    LatencyGrid(double dt, int points) {
        this.dt = dt;
        this.mass = new double[points];
    }

    int size() {
        return mass.length;
    }

    /** Adds {@code weight × source} shifted right by {@code shiftMs} into this grid. */
    void addShifted(double[] source, double weight, double shiftMs) {
        if (weight == 0) {
            return;
        }
        int k = mass.length;
        double cells = shiftMs / dt;
        int whole = (int) cells;
        double frac = cells - whole;
        double lower = weight * (1 - frac);
        double upper = weight * frac;
        for (int i = 0; i < k; i++) {
            double m = source[i];
            if (m == 0) {
                continue;
            }
            int at = i + whole;
            if (at >= k - 1) {
                mass[k - 1] += weight * m;
            } else {
                mass[at] += lower * m;
                mass[at + 1] += upper * m;
            }
        }
    }

    /**
     * Adds an M/G/1 queue's wait in front: {@code (1−ρ)·this + ρ·(this ⊛ exponential(meanMs))} — the
     * exponential convolution as a first-order recursive filter, so it costs one pass.
     */
    void addExponentialWait(double busyProbability, double meanMs) {
        if (busyProbability <= 0 || meanMs <= 0) {
            return;
        }
        double keep = Math.exp(-dt / meanMs);
        double smoothed = 0;
        for (int i = 0; i < mass.length; i++) {
            double before = mass[i];
            smoothed = smoothed * keep + before * (1 - keep);
            mass[i] = (1 - busyProbability) * before + busyProbability * smoothed;
        }
        // What the filter still holds would land beyond the grid: keep it on the last point.
        mass[mass.length - 1] += busyProbability * smoothed * keep / (1 - keep);
    }

    /** Moves the whole distribution right by {@code shiftMs}. */
    void shift(double shiftMs) {
        double[] copy = mass.clone();
        java.util.Arrays.fill(mass, 0);
        addShifted(copy, 1, shiftMs);
    }

    /**
     * The density (per ms) around the {@code q}-quantile: the probability {@code 2·halfWidth} over the
     * distance between the quantiles that far either side. Infinite where those coincide.
     */
    double density(double q, double halfWidth) {
        return quantiles().density(q, halfWidth);
    }

    /**
     * The {@code q}-quantile of the (normalised) distribution, interpolated linearly between grid
     * points so that it moves smoothly with the inputs.
     */
    double quantile(double q) {
        return quantiles().quantile(q);
    }

    /** The distribution as it is now, summed once for the quantiles read off it (a prediction reads nine an app). */
    Quantiles quantiles() {
        double[] cumulative = new double[mass.length];
        double sum = 0;
        for (int i = 0; i < mass.length; i++) {
            sum += mass[i];
            cumulative[i] = sum;
        }
        return new Quantiles(cumulative);
    }

    /** Quantiles and densities of one distribution, from its cumulative masses. */
    final class Quantiles {
        private final double[] cumulative;

        private Quantiles(double[] cumulative) {
            this.cumulative = cumulative;
        }

        /** As {@link LatencyGrid#density}. */
        double density(double q, double halfWidth) {
            double spread = quantile(Math.min(q + halfWidth, 1)) - quantile(Math.max(q - halfWidth, 0));
            return spread > 0 ? 2 * halfWidth / spread : Double.POSITIVE_INFINITY;
        }

        /** As {@link LatencyGrid#quantile}. */
        double quantile(double q) {
            double target = q * cumulative[cumulative.length - 1];
            for (int i = 0; i < cumulative.length; i++) {
                if (cumulative[i] >= target) {
                    double before = i == 0 ? 0 : cumulative[i - 1];
                    // The mass at point i stands for the interval around it: interpolate within that.
                    double within = mass[i] == 0 ? 0.5 : (target - before) / mass[i];
                    return Math.max(0, (i - 0.5 + within) * dt);
                }
            }
            return (mass.length - 1) * dt;
        }
    }
}
