package dev.perch.model.queueing;

import java.util.Arrays;

/**
 * Completion times of jobs submitted together to an idle device, given each job's time alone — the
 * closed-form check of which discipline a device follows: one at a time (FCFS: running sums, in
 * submission order) or processor sharing (n jobs each progress at 1/n of the device's speed).
 */
public final class BatchCompletion {
    private BatchCompletion() {
    }

    /** FCFS: each job completes after every job submitted before it. */
    public static double[] fcfsMs(double[] aloneMs) {
        double[] done = new double[aloneMs.length];
        double clock = 0;
        for (int i = 0; i < aloneMs.length; i++) {
            clock += aloneMs[i];
            done[i] = clock;
        }
        return done;
    }

    /**
     * Processor sharing: sorted by work, the k-th smallest job completes when the k−1 smaller ones
     * have and it has received its own remaining work at 1/(n−k+1) of the speed. Output in input order.
     */
    public static double[] processorSharingMs(double[] aloneMs) {
        int n = aloneMs.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(aloneMs[a], aloneMs[b]));
        double[] done = new double[n];
        double clock = 0;
        double served = 0;
        for (int k = 0; k < n; k++) {
            int job = order[k];
            clock += (aloneMs[job] - served) * (n - k);
            served = aloneMs[job];
            done[job] = clock;
        }
        return done;
    }
}
