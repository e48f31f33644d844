package dev.perch.streams;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Where in its checkpoint period each accelerator's state is written ({@link Assessor}): one sequence
 * for every accelerator a topology instance reads, whatever task holds it, so that all of them spread
 * evenly over the period. The sequence is the golden ratio's multiples modulo 1, which fill [0, 1)
 * most evenly for any number of them. One sequence per task would not do: each task's first
 * accelerator would be at 0, its second at 0.618, and so on, the tasks' phases alike, and their
 * state writes and logs would rise and fall together.
 */
final class CheckpointPhases {
    private static final double GOLDEN_FRACTION = 0.6180339887498949;

    private final long periodMs;
    private final AtomicLong drawn = new AtomicLong();

    /** @param periodMs window time between an accelerator's checkpoints (0: the state is written at every window) */
    CheckpointPhases(long periodMs) {
        if (periodMs < 0) {
            throw new IllegalArgumentException("periodMs must be >= 0, got " + periodMs);
        }
        this.periodMs = periodMs;
    }

    long periodMs() {
        return periodMs;
    }

    /** The period, counted at {@code phaseMs}, that a window starting at {@code windowStartMs} falls in. */
    long periodOf(long windowStartMs, long phaseMs) {
        return Math.floorDiv(windowStartMs + phaseMs, periodMs);
    }

    /** The next accelerator's phase, in [0, {@link #periodMs}). */
    long nextMs() {
        double fraction = (drawn.getAndIncrement() * GOLDEN_FRACTION) % 1.0;
        return (long) (fraction * periodMs);
    }
}
