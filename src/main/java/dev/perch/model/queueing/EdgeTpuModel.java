package dev.perch.model.queueing;

import java.util.List;

/**
 * Response time on an Edge TPU — one request at a time, first come first served, and a swap (a
 * reload of the model's parameters, {@code swapMs}) whenever a request's model differs from the one
 * served just before it.
 *
 * <p>Under FCFS the request served before a given one is the one that arrived before it, which with
 * Poisson arrivals is of app c with probability {@code q_c = λ_c/λ} — and behind the apps' own front
 * ends less often of the request's own app ({@link ArrivalOrder}, which gives the predecessor's
 * probabilities used throughout). So a request's service depends on its predecessor's
 * app, and so does its wait: a request that follows a long Inception request both waits longer and
 * pays a swap. Treating service times as independent (the Ibis paper's mixture) misses this
 * correlation. Perch keeps it by computing the Markov chain of (sojourn time, app) of successive
 * requests — Lindley's recursion {@code V' = (V − A)⁺ + X(c, c')} with exponential gaps A — on a
 * grid:
 * <ul>
 *   <li><b>mean</b>: closed form. Time-average workload equals λ·E[X·W + X²/2] (Brumelle), and
 *   arrivals see it (PASTA); the wait of a request whose predecessor is of app c is approximated by
 *   one Lindley step from the stationary wait, whose transform at λ is {@code (1−ρ)/L_X(λ)}
 *   (Pollaczek–Khinchine). With one app this is exactly Pollaczek–Khinchine.</li>
 *   <li><b>percentiles</b>: the chain's distribution, started from an atom of 1−ρ plus an
 *   exponential with the mean wait and iterated on a grid until it settles (at most
 *   {@link #MAX_STEPS} steps).</li>
 * </ul>
 * Service-time variability ({@code serviceCv}) enters the mean through E[X²] and the percentiles
 * through a three-point distribution with the same mean and variance.
 */
public final class EdgeTpuModel {
    static final int POINTS = 128;
    static final int MAX_STEPS = 16;
    private static final double SETTLED = 1e-3;

    private EdgeTpuModel() {
    }

    /** Offered load ρ = Σ λ_i·E[X_i] with Poisson arrivals: the swap probability is 1 − q_i. */
    public static double utilization(List<AppLoad> apps) {
        return FcfsSwapModel.utilization(apps);
    }

    /** Offered load ρ = Σ λ_i·E[X_i], each request swapping when its predecessor in {@code order} ran another model. */
    static double utilization(List<AppLoad> apps, ArrivalOrder order) {
        double rho = 0;
        for (int c = 0; c < apps.size(); c++) {
            AppLoad app = apps.get(c);
            double swap = 0;
            for (int prev = 0; prev < apps.size(); prev++) {
                if (!apps.get(prev).model().equals(app.model())) {
                    swap += order.predecessor(c, prev);
                }
            }
            rho += app.ratePerMs() * (app.serviceMs() + swap * app.swapMs());
        }
        return rho;
    }

    /**
     * Per app, in input order: the mean time on the device and its distribution on a grid wide enough
     * to add {@code extraRangeMs} more (the front end) without losing the tail; {@code null} when ρ ≥ 1.
     */
    static Sojourns sojourns(List<AppLoad> apps, ArrivalOrder order, double extraRangeMs) {
        return solve(apps, order, extraRangeMs, true);
    }

    /**
     * Per app, in input order, the mean time on the device alone — the closed form without the grid,
     * for a planner whose SLOs are all on the mean; {@code null} when ρ ≥ 1.
     */
    static double[] meanSojournsMs(List<AppLoad> apps, ArrivalOrder order) {
        Sojourns sojourns = solve(apps, order, 0, false);
        return sojourns == null ? null : sojourns.meansMs();
    }

    /** As {@link #meanSojournsMs}, with the mean waits the spreads of {@link WindowModel} start from. */
    static Sojourns meanSojourns(List<AppLoad> apps, ArrivalOrder order) {
        return solve(apps, order, 0, false);
    }

    private static Sojourns solve(List<AppLoad> apps, ArrivalOrder order, double extraRangeMs, boolean withGrids) {
        int n = apps.size();
        double lambda = 0;
        for (AppLoad app : apps) {
            lambda += app.ratePerMs();
        }
        double[] q = new double[n];
        double[] plain = new double[n];
        double[] swapped = new double[n];
        double[] cv = new double[n];
        boolean[][] sameModel = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sameModel[i][j] = apps.get(i).model().equals(apps.get(j).model());
            }
            AppLoad app = apps.get(i);
            q[i] = lambda > 0 ? app.ratePerMs() / lambda : 0;
            plain[i] = app.serviceMs();
            swapped[i] = app.serviceMs() + app.swapMs();
            cv[i] = app.serviceCv();
        }
        // Moments of X(c, c'): the service of an app-c' request whose predecessor is of app c.
        double meanX = 0;
        double secondX = 0;
        double[] meanXof = new double[n];     // E[X | this request is of app c]
        double[] meanXafter = new double[n];  // E[X of the next request | this one is of app c]
        double[] lstXof = new double[n];      // E[e^{−λX} | this request is of app c]
        double lstX = 0;
        for (int c = 0; c < n; c++) {
            for (int prev = 0; prev < n; prev++) {
                double x = sameModel[prev][c] ? plain[c] : swapped[c];
                double w = order.predecessor(c, prev);
                meanXof[c] += w * x;
                lstXof[c] += w * lstDeterministicOrSpread(lambda, x, cv[c]);
                secondX += q[c] * w * x * x * (1 + cv[c] * cv[c]);
                meanXafter[prev] += order.successor(prev, c) * x;
            }
            meanX += q[c] * meanXof[c];
            lstX += q[c] * lstXof[c];
        }
        double rho = lambda * meanX;
        if (rho >= 1 || n == 0) {
            return null;
        }
        // Wait of a request whose predecessor is of app c: E[W] + δ_c, with Σ q_c δ_c = 0.
        double[] delta = new double[n];
        double correlation = 0;
        for (int c = 0; c < n; c++) {
            delta[c] = lambda > 0 ? meanXof[c] - (1 - (1 - rho) * lstXof[c] / lstX) / lambda : 0;
            correlation += q[c] * delta[c] * meanXafter[c];
        }
        double meanWait = lambda * (secondX / 2 + correlation) / (1 - rho);
        double[] means = new double[n];
        for (int c = 0; c < n; c++) {
            for (int prev = 0; prev < n; prev++) {
                means[c] += order.predecessor(c, prev) * (meanWait + delta[prev] + (sameModel[prev][c] ? plain[c] : swapped[c]));
            }
        }
        return new Sojourns(means, withGrids ? grids(q, order, plain, swapped, cv, sameModel, lambda, rho,
                Math.max(meanWait, 0), extraRangeMs) : null, meanWait, delta);
    }

    /** E[e^{−λX}] for X with mean x and coefficient of variation cv (three-point, as on the grid). */
    static double lstDeterministicOrSpread(double lambda, double x, double cv) {
        if (cv == 0) {
            return Math.exp(-lambda * x);
        }
        double[] points = LatencyGrid.threePoints(x, cv);
        return (Math.exp(-lambda * points[0]) + 4 * Math.exp(-lambda * points[1]) + Math.exp(-lambda * points[2])) / 6;
    }

    private static LatencyGrid[] grids(double[] q, ArrivalOrder order, double[] plain, double[] swapped, double[] cv,
                                       boolean[][] sameModel, double lambda, double rho, double meanWait,
                                       double extraRangeMs) {
        int n = q.length;
        // Apps of one model are one class of the chain: they never swap with each other.
        int[] classOf = new int[n];
        int classes = 0;
        for (int i = 0; i < n; i++) {
            classOf[i] = -1;
            for (int j = 0; j < i; j++) {
                if (sameModel[i][j]) {
                    classOf[i] = classOf[j];
                    break;
                }
            }
            if (classOf[i] < 0) {
                classOf[i] = classes++;
            }
        }
        double[] share = new double[classes];
        double[] plainOf = new double[classes];
        double[] swappedOf = new double[classes];
        double longest = 0;
        for (int i = 0; i < n; i++) {
            share[classOf[i]] += q[i];
            plainOf[classOf[i]] += q[i] * plain[i];
            swappedOf[classOf[i]] += q[i] * swapped[i];
            longest = Math.max(longest, swapped[i] * (1 + Math.sqrt(3) * cv[i]));
        }
        for (int m = 0; m < classes; m++) {
            if (share[m] > 0) {
                plainOf[m] /= share[m];
                swappedOf[m] /= share[m];
            }
        }
        // Between classes the arrival order is a product (ArrivalOrder): the share of arrivals of
        // class k after one of class m ≠ k is factorOf[m]·factorOf[k]; within a class, what is left.
        double[] factorOf = new double[classes];
        double factorSum = 0;
        for (int i = 0; i < n; i++) {
            factorOf[classOf[i]] += order.factor(i);
            factorSum += order.factor(i);
        }
        double[] stay = new double[classes]; // P(the next arrival is of class m | this one is)
        double[] leave = new double[classes]; // factorOf[m] / share[m]: the share of a class's waits the others inherit
        for (int m = 0; m < classes; m++) {
            if (share[m] > 0) {
                stay[m] = (share[m] - factorOf[m] * (factorSum - factorOf[m])) / share[m];
                leave[m] = factorOf[m] / share[m];
            }
        }
        // Enough room for the sojourn's 99.9th percentile: the longest service, plus the exponential
        // tail of the wait at its conditional mean, plus another service for safety.
        double busyWaitMean = rho > 0 ? meanWait / rho : 0;
        double range = 2 * longest + busyWaitMean * Math.log(1000) + extraRangeMs + 1e-9;
        double dt = range / (POINTS - 1);

        // Start: wait = atom 1−ρ at 0, plus ρ·exponential(mean meanWait/ρ); independent of the class.
        double[] wait = new double[POINTS];
        wait[0] = 1 - rho;
        if (busyWaitMean > 0) {
            double previous = 1;
            for (int i = 1; i < POINTS; i++) {
                double survival = Math.exp(-i * dt / busyWaitMean);
                double interval = rho * (previous - survival);
                wait[i - 1] += interval / 2;
                wait[i] += interval / 2;
                previous = survival;
            }
            wait[POINTS - 1] += rho * previous;
        } else {
            wait[0] = 1;
        }
        // The chain is carried as waitAfter[m]·leave[m] — the part of a class's waits that the other
        // classes inherit — so that what every class takes from the others is one sum less its own.
        double[][] toward = new double[classes][];
        for (int m = 0; m < classes; m++) {
            toward[m] = scaled(wait, factorOf[m]);
        }
        double decay = Math.exp(-lambda * dt);
        double phi = lambda * dt < 1e-9 ? 0.5 : 1 / (1 - decay) - 1 / (lambda * dt);
        double[] total = sum(toward);
        // Iterate the chain with each class's mean service; variability enters at the last step.
        // Buffers are reused: this loop is what a placement decision runs thousands of times.
        double[][] next = new double[classes][POINTS];
        double[] fromOthers = new double[POINTS];
        LatencyGrid sojourn = new LatencyGrid(dt, POINTS);
        for (int step = 0; step < MAX_STEPS; step++) {
            for (int m = 0; m < classes; m++) {
                java.util.Arrays.fill(sojourn.mass, 0);
                for (int i = 0; i < POINTS; i++) {
                    fromOthers[i] = total[i] - toward[m][i];
                }
                // Scaled by leave[m], so nextWait gives the next step's toward[m] directly.
                sojourn.addShifted(toward[m], stay[m], plainOf[m]);
                sojourn.addShifted(fromOthers, leave[m] * factorOf[m], swappedOf[m]);
                nextWait(sojourn.mass, decay, phi, next[m]);
            }
            double change = 0;
            for (int i = 0; i < POINTS; i++) {
                double sum = 0;
                for (int m = 0; m < classes; m++) {
                    sum += next[m][i];
                }
                change += Math.abs(sum - total[i]);
                total[i] = sum;
            }
            double[][] swap = toward;
            toward = next;
            next = swap;
            if (change < SETTLED) {
                break;
            }
        }
        LatencyGrid[] sojourns = new LatencyGrid[n];
        for (int i = 0; i < n; i++) {
            int m = classOf[i];
            // An app-i arrival follows one of class k ≠ m with probability b_i·factorOf[k]/q_i.
            double otherClass = q[i] > 0 ? order.factor(i) / q[i] : 0;
            double sameClass = 1 - otherClass * (factorSum - factorOf[m]);
            for (int p = 0; p < POINTS; p++) {
                fromOthers[p] = total[p] - toward[m][p];
            }
            LatencyGrid grid = new LatencyGrid(dt, POINTS);
            grid.addWithService(toward[m], factorOf[m] > 0 ? sameClass / factorOf[m] : 0, plain[i], cv[i]);
            grid.addWithService(fromOthers, otherClass, swapped[i], cv[i]);
            sojourns[i] = grid;
        }
        return sojourns;
    }

    private static double[] sum(double[][] parts) {
        double[] total = new double[POINTS];
        for (double[] part : parts) {
            for (int i = 0; i < POINTS; i++) {
                total[i] += part[i];
            }
        }
        return total;
    }

    /**
     * The wait of the next request, {@code (V − A)⁺} with A exponential, into {@code wait}: from a
     * sojourn at point j, the interval [i, i+1] receives {@code decay^(j−i−1)·(1−decay)}, split
     * between its ends at the exponential's conditional mean (fraction φ to the upper end); what is
     * left lands on 0.
     */
    private static void nextWait(double[] sojourn, double decay, double phi, double[] wait) {
        int k = sojourn.length;
        java.util.Arrays.fill(wait, 0);
        double above = 0; // Σ_{j>i} v_j·decay^(j−i−1)
        for (int i = k - 2; i >= 0; i--) {
            above = above * decay + sojourn[i + 1];
            double interval = above * (1 - decay);
            wait[i] += interval * (1 - phi);
            wait[i + 1] += interval * phi;
        }
        // From a sojourn at point j the next arrival finds the device idle with probability decay^j.
        wait[0] += sojourn[0] + above * decay;
    }

    private static double[] scaled(double[] values, double factor) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] * factor;
        }
        return out;
    }

    private static double l1(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum;
    }

    /**
     * Per app: the mean time on the device (closed form) and its distribution (grid); the mean wait,
     * and how much longer (or shorter) a request waits when its predecessor is of each app.
     */
    record Sojourns(double[] meansMs, LatencyGrid[] grids, double meanWaitMs, double[] waitShiftMs) {
    }
}
