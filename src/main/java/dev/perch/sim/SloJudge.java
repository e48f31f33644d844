package dev.perch.sim;

import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.SloStatistic;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The independent judge of one app's SLO, over the window its owner states: once per simulated
 * second, the SLO statistic of the requests completed in the last {@code sloWindowSec} seconds —
 * counting every request still unanswered after its SLO at its current age, so that a starved app is
 * not judged on silence — is compared with the SLO. A second is judged only once the app has run a
 * full window on its current accelerator, so the warm-up after a placement or a move is not judged.
 *
 * <p>Exact, not approximated: the window's latencies are held in a sorted multiset, so a percentile is
 * the nearest-rank percentile of every sample, found by walking down from the largest (a p95 walks
 * 5 % of the window); the mean is a running sum.
 */
final class SloJudge {
    private record Done(double completionMs, double latencyMs) {
    }

    private final AppSpec spec;
    private final double windowMs;
    private final Deque<Done> recent = new ArrayDeque<>();
    /**
     * The latencies in {@link #recent}, with how many of each: for percentiles without sorting every
     * second. Null for a mean SLO, which the running sum answers: kept, it was the judge's largest cost.
     */
    private final TreeMap<Double, Integer> sorted;
    private double sumMs;
    private Double runningSinceMs;
    private long judgedSeconds;
    private long violationSeconds;
    private Double firstViolationSec;
    private boolean inViolation;

    SloJudge(AppSpec spec) {
        this.spec = spec;
        this.windowMs = spec.sloWindowSec() * 1000.0;
        this.sorted = spec.sloStatistic() == SloStatistic.MEAN ? null : new TreeMap<>();
    }

    void completed(double completionMs, double latencyMs) {
        recent.add(new Done(completionMs, latencyMs));
        if (sorted != null) {
            sorted.merge(latencyMs, 1, Integer::sum);
        }
        sumMs += latencyMs;
    }

    /** The app started serving on an accelerator at {@code atMs} (placed, or its traffic switched by a move). */
    void startedOn(double atMs) {
        runningSinceMs = atMs;
        inViolation = false;
    }

    /** The app stopped: nothing is judged until it runs a full window again. */
    void stopped() {
        runningSinceMs = null;
        inViolation = false;
    }

    /** Judges the second that ends at {@code nowMs}, given the arrival times of unanswered requests. */
    void judge(double nowMs, Collection<Double> pendingArrivalsMs) {
        while (!recent.isEmpty() && recent.peek().completionMs() <= nowMs - windowMs) {
            Done old = recent.poll();
            if (sorted != null) {
                sorted.computeIfPresent(old.latencyMs(), (k, n) -> n == 1 ? null : n - 1);
            }
            sumMs -= old.latencyMs();
        }
        if (recent.isEmpty()) {
            sumMs = 0; // no rounding left over from a long run of additions and subtractions
        }
        if (runningSinceMs == null || nowMs - runningSinceMs < windowMs) {
            inViolation = false;
            return;
        }
        double[] overdueMs = pendingArrivalsMs.stream().mapToDouble(arrival -> nowMs - arrival)
                .filter(age -> age > spec.sloMs()).sorted().toArray();
        int n = recent.size() + overdueMs.length;
        judgedSeconds++;
        inViolation = n > 0 && statistic(overdueMs, n) > spec.sloMs();
        if (inViolation) {
            violationSeconds++;
            if (firstViolationSec == null) {
                firstViolationSec = nowMs / 1000.0;
            }
        }
    }

    /** The window's statistic over its completions and the overdue ages (ascending), {@code n} samples in all. */
    private double statistic(double[] overdueMs, int n) {
        if (spec.sloStatistic() == SloStatistic.MEAN) {
            double overdue = 0;
            for (double age : overdueMs) {
                overdue += age;
            }
            return (sumMs + overdue) / n;
        }
        double q = switch (spec.sloStatistic()) {
            case P50 -> 0.50;
            case P95 -> 0.95;
            case P99 -> 0.99;
            case MEAN -> throw new AssertionError();
        };
        // Nearest rank: the sample at 1-based rank ceil(q·n) from the bottom, i.e. n − rank from the top.
        int rank = Math.min(Math.max((int) Math.ceil(q * n), 1), n);
        int fromTop = n - rank;
        int overdue = overdueMs.length - 1;
        Iterator<Map.Entry<Double, Integer>> completions = sorted.descendingMap().entrySet().iterator();
        Map.Entry<Double, Integer> entry = completions.hasNext() ? completions.next() : null;
        int leftOfEntry = entry == null ? 0 : entry.getValue();
        while (true) {
            boolean takeOverdue = overdue >= 0 && (entry == null || overdueMs[overdue] >= entry.getKey());
            double value = takeOverdue ? overdueMs[overdue] : entry.getKey();
            if (fromTop == 0) {
                return value;
            }
            fromTop--;
            if (takeOverdue) {
                overdue--;
            } else if (--leftOfEntry == 0) {
                entry = completions.hasNext() ? completions.next() : null;
                leftOfEntry = entry == null ? 0 : entry.getValue();
            }
        }
    }

    boolean inViolation() {
        return inViolation;
    }

    long judgedSeconds() {
        return judgedSeconds;
    }

    long violationSeconds() {
        return violationSeconds;
    }

    Double firstViolationSec() {
        return firstViolationSec;
    }
}
