package dev.perch.model.queueing;

/**
 * Probability masses on the points {@code 0, dt, 2·dt, …, (K−1)·dt} — a response-time distribution
 * as the tail models compute it. Shifts and waits preserve the mean exactly (masses between grid
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

    /**
     * Adds {@code weight} × the gamma fitted to a mean and a variance — the same Wilson–Hilferty fit
     * as {@link Gamma#quantile}: the standard normal, held as fixed masses on {@link #NORMAL_POINTS}
     * points, taken through the fit's quantile function (what it puts below 0 on 0, as the quantile
     * does). No cube root or exponential per point: the planner asks it of every app of every GPU it
     * tries where one app's SLO is a percentile.
     */
    void addGamma(double meanMs, double varianceMs2, double weight) {
        if (varianceMs2 <= 1e-12 * meanMs * meanMs) {
            addPoint(meanMs, weight);
            return;
        }
        double shape = meanMs * meanMs / varianceMs2;
        double centre = 1 - 1 / (9 * shape);
        double slope = 1 / (3 * Math.sqrt(shape));
        for (int j = 0; j < NORMAL_POINTS; j++) {
            double cube = centre + slope * NORMAL_Z[j];
            addPoint(cube > 0 ? meanMs * cube * cube * cube : 0, weight * NORMAL_MASS[j]);
        }
    }

    private static final int NORMAL_POINTS = 241;
    /** Points ±6 apart by 0.05, each holding the standard normal's mass within half a step of it. */
    private static final double[] NORMAL_Z = new double[NORMAL_POINTS];
    private static final double[] NORMAL_MASS = new double[NORMAL_POINTS];

    static {
        double step = 12.0 / (NORMAL_POINTS - 1);
        double below = 0;
        for (int j = 0; j < NORMAL_POINTS; j++) {
            NORMAL_Z[j] = -6 + j * step;
            double upTo = j == NORMAL_POINTS - 1 ? 1 : Gamma.Normal.cdf(NORMAL_Z[j] + step / 2);
            NORMAL_MASS[j] = upTo - below;
            below = upTo;
        }
    }

    /** Adds mass {@code weight} at {@code atMs}, split between the two grid points around it (beyond the grid: on the last). */
    private void addPoint(double atMs, double weight) {
        double cells = atMs / dt;
        int whole = (int) cells;
        if (whole >= mass.length - 1) {
            mass[mass.length - 1] += weight;
            return;
        }
        double frac = cells - whole;
        mass[whole] += weight * (1 - frac);
        mass[whole + 1] += weight * frac;
    }

    /**
     * Adds {@code weight × source} followed by a service of mean {@code meanMs} and coefficient of
     * variation {@code cv}: the three points (weights 1/6, 2/3, 1/6, the lowest clamped at 0) used
     * throughout the models; a plain shift when the service does not vary.
     */
    void addWithService(double[] source, double weight, double meanMs, double cv) {
        if (cv == 0) {
            addShifted(source, weight, meanMs);
            return;
        }
        double[] points = threePoints(meanMs, cv);
        addShifted(source, weight / 6, points[0]);
        addShifted(source, weight * 4 / 6, points[1]);
        addShifted(source, weight / 6, points[2]);
    }

    /**
     * The service time of mean {@code meanMs} and coefficient of variation {@code cv} as the models
     * hold it: three points with weights 1/6, 2/3, 1/6, the lowest clamped at 0.
     */
    static double[] threePoints(double meanMs, double cv) {
        double offset = Math.sqrt(3) * cv * meanMs;
        return new double[]{Math.max(0, meanMs - offset), meanMs, meanMs + offset};
    }

    /** Adds a service of mean {@code meanMs} and coefficient of variation {@code cv} after this distribution. */
    void addService(double meanMs, double cv) {
        double[] copy = mass.clone();
        java.util.Arrays.fill(mass, 0);
        addWithService(copy, 1, meanMs, cv);
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
