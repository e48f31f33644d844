package dev.perch.controller;

import java.time.Duration;

/**
 * When a probation ends and what it may do ({@code perch.probation.*}).
 *
 * @param precision          the half-width of the service mean's 95 % interval, as a share of the
 *                           mean, at which the profile counts as learned (0.05: ±5 %)
 * @param minRequests        the fewest requests a learned profile rests on, however tight its interval
 * @param longest            how long a probation lasts at most: then the profile is taken at the
 *                           upper end of its interval (conservative), however wide
 * @param shareWhenNoneIdle  whether, when no accelerator is idle or can be emptied, a probation may
 *                           start beside other apps, planned at a conservative prior (off: it waits)
 */
public record ProbationSettings(double precision, long minRequests, Duration longest, boolean shareWhenNoneIdle) {
    public static final ProbationSettings DEFAULT = new ProbationSettings(0.05, 200, Duration.ofMinutes(5), false);

    public ProbationSettings {
        if (!(precision > 0 && precision < 1)) {
            throw new IllegalArgumentException("probation precision must be in (0, 1), got " + precision);
        }
        if (minRequests < 1) {
            throw new IllegalArgumentException("probation's fewest requests must be >= 1, got " + minRequests);
        }
        if (longest == null || longest.isNegative() || longest.isZero()) {
            throw new IllegalArgumentException("probation's longest duration must be > 0, got " + longest);
        }
    }
}
