package dev.perch.model.queueing;

import java.util.List;

/**
 * Which app's request arrives at an accelerator just before a request of a given app — what decides
 * a swap on an Edge TPU, which serves in arrival order.
 *
 * <p>With Poisson arrivals the predecessor is of app j with probability {@code q_j = λ_j/λ}, whatever
 * the app. But every app's requests first pass its own front end, one at a time: they leave it at
 * least one front-end service apart, so two requests of one app follow each other less often than
 * {@code q_i} says, and the accelerator swaps more. A request of app i is followed by another of app
 * i when app i's next departure from its front end comes before any other app's arrival (the others
 * taken as Poisson, rate {@code μ_i = λ − λ_i}):
 * <pre>s_i = E[e^{−μ_i·T_i}],  T_i = S_i + (idle gap if the front end emptied)
 *     = L_S(μ_i) · (ρ_i + (1 − ρ_i) · λ_i/(λ_i + μ_i))</pre>
 * for an M/G/1 front end of load ρ_i, service S_i (three points with its CV, as elsewhere): it empties
 * after a departure with probability 1 − ρ_i, and then the next request arrives after an exponential
 * gap. Without a front end, {@code s_i = q_i}.
 *
 * <p>The rest of each app's successions, {@code q_i(1 − s_i)}, are shared among the other apps by
 * balancing a symmetric flow matrix (Sinkhorn scaling), so that every app has exactly one
 * predecessor and one successor per request: {@code flow[j][i]} is the share of all arrivals that
 * are of app i with a predecessor of app j; rows and columns sum to {@code q}. With Poisson arrivals
 * the scaling gives back {@code flow[j][i] = q_j·q_i}.
 *
 * <p>Measured against the simulator, which runs every front end and the accelerator request by
 * request ({@code FrontEndArrivalOrderTest}): on busy Edge TPUs — 5–8 apps of the fast models at
 * 5–12 req/s behind 25–30 ms front ends — Poisson arrivals underpredict the mean by 2.9 % on
 * average and p99 by up to 15 %; with this order the mean is within 1 % (p95 MAPE 2.6 % against
 * 5.5 %). The spacing also makes waits shorter, which this leaves out: where requests are far apart
 * the two are about equal (mean MAPE 1.2 %).
 */
final class ArrivalOrder {
    private static final int BALANCING_ROUNDS = 200;
    private static final double BALANCED = 1e-12;

    /** {@code flow[j][i]}: the share of arrivals that are of app i and follow one of app j. */
    private final double[][] flow;
    private final double[] share;

    private ArrivalOrder(double[][] flow, double[] share) {
        this.flow = flow;
        this.share = share;
    }

    /** Independent arrivals: the predecessor is of app j with probability {@code q_j}. */
    static ArrivalOrder poisson(List<AppLoad> apps) {
        double[] q = shares(apps);
        double[][] flow = new double[q.length][q.length];
        for (int j = 0; j < q.length; j++) {
            for (int i = 0; i < q.length; i++) {
                flow[j][i] = q[j] * q[i];
            }
        }
        return new ArrivalOrder(flow, q);
    }

    /** Arrivals that each leave their app's own front end ({@code path}) first. */
    static ArrivalOrder of(List<AppLoad> apps, EndToEnd path) {
        if (path.frontendServiceMs() <= 0 || apps.size() < 2) {
            return poisson(apps);
        }
        int n = apps.size();
        double[] q = shares(apps);
        double lambda = 0;
        for (AppLoad app : apps) {
            lambda += app.ratePerMs();
        }
        double[] rest = new double[n]; // q_i(1 − s_i): successions of app i by another app
        for (int i = 0; i < n; i++) {
            double rate = apps.get(i).ratePerMs();
            double others = lambda - rate;
            double rho = Math.min(rate * path.frontendServiceMs(), 1);
            double self = laplaceOfService(path.frontendServiceMs(), path.frontendCv(), others)
                    * (rho + (1 - rho) * (rate + others > 0 ? rate / (rate + others) : 0));
            rest[i] = q[i] * (1 - self);
        }
        // One app cannot be followed by others more often than the others arrive between its requests.
        double total = 0;
        for (double r : rest) {
            total += r;
        }
        for (int i = 0; i < n; i++) {
            rest[i] = Math.min(rest[i], total - rest[i]);
        }
        double[][] flow = balanced(rest);
        for (int i = 0; i < n; i++) {
            flow[i][i] = q[i] - rowSum(flow, i);
        }
        return new ArrivalOrder(flow, q);
    }

    /** P(the predecessor of an app-i arrival is of app j). */
    double predecessor(int i, int j) {
        return share[i] > 0 ? flow[j][i] / share[i] : 0;
    }

    /** P(the arrival after an app-j one is of app i). */
    double successor(int j, int i) {
        return share[j] > 0 ? flow[j][i] / share[j] : 0;
    }

    /** {@code λ_i/λ}. */
    double share(int i) {
        return share[i];
    }

    int size() {
        return share.length;
    }

    private static double[] shares(List<AppLoad> apps) {
        double lambda = 0;
        for (AppLoad app : apps) {
            lambda += app.ratePerMs();
        }
        double[] q = new double[apps.size()];
        for (int i = 0; i < q.length; i++) {
            q[i] = lambda > 0 ? apps.get(i).ratePerMs() / lambda : 0;
        }
        return q;
    }

    /** E[e^{−μS}] for the three-point service of mean {@code serviceMs} and the given CV. */
    private static double laplaceOfService(double serviceMs, double cv, double mu) {
        double offset = Math.sqrt(3) * cv * serviceMs;
        double low = Math.max(0, serviceMs - offset);
        double high = serviceMs + offset;
        return (Math.exp(-mu * low) + 4 * Math.exp(-mu * serviceMs) + Math.exp(-mu * high)) / 6;
    }

    /** A symmetric matrix with a zero diagonal whose rows and columns sum to {@code margins}. */
    private static double[][] balanced(double[] margins) {
        int n = margins.length;
        double[][] m = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                m[j][i] = i == j ? 0 : margins[j] * margins[i];
            }
        }
        double[] scale = new double[n];
        for (int round = 0; round < BALANCING_ROUNDS; round++) {
            double off = 0;
            for (int j = 0; j < n; j++) {
                double sum = rowSum(m, j);
                scale[j] = sum > 0 ? Math.sqrt(margins[j] / sum) : 0;
                off = Math.max(off, Math.abs(sum - margins[j]));
            }
            if (off < BALANCED) {
                break;
            }
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < n; i++) {
                    m[j][i] *= scale[j] * scale[i];
                }
            }
        }
        return m;
    }

    private static double rowSum(double[][] m, int row) {
        double sum = 0;
        for (int i = 0; i < m[row].length; i++) {
            if (i != row) {
                sum += m[row][i];
            }
        }
        return sum;
    }
}
