package dev.perch.controller;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * When an app whose last decision changed nothing (no target, a dry run, a step the guards held) is
 * decided again: after a wait that starts at {@code firstMs} and doubles up to {@code mostMs}, or at
 * once when the cluster may have freed room since ({@link ClusterShape#mayHaveFreedRoomSince}) —
 * as a scheduler re-queues an unschedulable pod.
 * Without it, a controller that looks at the same unchanged cluster on every pass records the same
 * decision on every pass.
 *
 * <p>Not thread-safe: the {@link Reconciler} calls it under its own lock.
 */
final class Backoff {
    private record Retry(long notBeforeMs, long delayMs, ClusterShape shape) {
    }

    private final long firstMs;
    private final long mostMs;
    private final Map<String, Retry> retries = new HashMap<>();

    Backoff(long firstMs, long mostMs) {
        if (firstMs <= 0 || mostMs < firstMs) {
            throw new IllegalArgumentException("a backoff needs 0 < firstMs <= mostMs, got " + firstMs + " and " + mostMs);
        }
        this.firstMs = firstMs;
        this.mostMs = mostMs;
    }

    /** Whether the app may be decided again now, in a cluster of this shape. */
    boolean due(String app, ClusterShape now, long nowMs) {
        Retry retry = retries.get(app);
        return retry == null || nowMs >= retry.notBeforeMs() || now.mayHaveFreedRoomSince(retry.shape());
    }

    /**
     * The app's decision, taken in a cluster of this shape, changed nothing: wait before the next
     * one — the first wait if room may have been freed since the last, else twice the last, at
     * most {@code mostMs}.
     */
    void unchanged(String app, ClusterShape now, long nowMs) {
        Retry retry = retries.get(app);
        long delayMs = retry == null || now.mayHaveFreedRoomSince(retry.shape()) ? firstMs
                : Math.min(2 * retry.delayMs(), mostMs);
        retries.put(app, new Retry(nowMs + delayMs, delayMs, now));
    }

    /** The app's decision took effect, or the app needs none any more: no wait. */
    void clear(String app) {
        retries.remove(app);
    }

    /** Forgets every app that no longer needs a decision. */
    void clearIf(Predicate<String> settled) {
        retries.keySet().removeIf(settled);
    }
}
