package dev.perch.sim;

import dev.perch.telemetry.Samples;
import dev.perch.model.profile.AppSpec;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;

/**
 * The independent judge of one app's SLO: once per simulated second, its SLO statistic over the
 * requests completed in the last {@link #WINDOW_MS} — counting every request still unanswered after
 * its SLO at its current age, so that a starved app is not judged on silence — is compared with the
 * SLO.
 */
final class SloJudge {
    static final double WINDOW_MS = 10_000;

    private record Done(double completionMs, double latencyMs) {
    }

    private final AppSpec spec;
    private final Deque<Done> recent = new ArrayDeque<>();
    private long violationSeconds;
    private Double firstViolationSec;
    private boolean inViolation;

    SloJudge(AppSpec spec) {
        this.spec = spec;
    }

    void completed(double completionMs, double latencyMs) {
        recent.add(new Done(completionMs, latencyMs));
    }

    /** Judges the second that ends at {@code nowMs}, given the arrival times of unanswered requests. */
    void judge(double nowMs, Collection<Double> pendingArrivalsMs) {
        while (!recent.isEmpty() && recent.peek().completionMs() < nowMs - WINDOW_MS) {
            recent.poll();
        }
        double[] samples = new double[recent.size() + pendingArrivalsMs.size()];
        int n = 0;
        for (Done done : recent) {
            samples[n++] = done.latencyMs();
        }
        for (double arrival : pendingArrivalsMs) {
            double age = nowMs - arrival;
            if (age > spec.sloMs()) {
                samples[n++] = age;
            }
        }
        inViolation = n > 0 && Samples.statistic(Arrays.copyOf(samples, n), spec.sloStatistic()) > spec.sloMs();
        if (inViolation) {
            violationSeconds++;
            if (firstViolationSec == null) {
                firstViolationSec = nowMs / 1000.0;
            }
        }
    }

    boolean inViolation() {
        return inViolation;
    }

    long violationSeconds() {
        return violationSeconds;
    }

    Double firstViolationSec() {
        return firstViolationSec;
    }
}
