package dev.perch.runtime;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * The telemetry lag's bookkeeping, free of Kafka: each window is noted with when it ended and where
 * the telemetry topic ended once its reports were out; a window is consumed once the topology's
 * committed offsets reach those ends, and its lag is that moment less its end. Times are
 * {@link System#nanoTime()}-like readings supplied by the caller, so tests give them by hand.
 */
final class LagLedger {
    private record Mark(long windowEndNs, Map<TopicPartition, Long> ends) {
        boolean coveredBy(Map<TopicPartition, Long> committed) {
            for (var end : ends.entrySet()) {
                Long position = committed.get(end.getKey());
                if (end.getValue() > 0 && (position == null || position < end.getValue())) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Deque<Mark> pending = new ArrayDeque<>();
    private long maxLagNs;
    private long lastLagNs;
    private long windows;

    /** A window ended at {@code windowEndNs}; once its reports were out, the topic ended at {@code ends}. */
    synchronized void windowOut(long windowEndNs, Map<TopicPartition, Long> ends) {
        pending.addLast(new Mark(windowEndNs, Map.copyOf(ends)));
        windows++;
    }

    /**
     * The topology's group had committed {@code committed} (next offset to read, per partition) by
     * {@code nowNs}: every window those cover is consumed now. Ends only grow from window to window,
     * so the windows are consumed in order.
     */
    synchronized void committed(Map<TopicPartition, Long> committed, long nowNs) {
        while (!pending.isEmpty() && pending.peekFirst().coveredBy(committed)) {
            lastLagNs = nowNs - pending.removeFirst().windowEndNs();
            maxLagNs = Math.max(maxLagNs, lastLagNs);
        }
    }

    synchronized boolean waiting() {
        return !pending.isEmpty();
    }

    /**
     * The largest lag so far, in seconds; a window still not consumed at {@code nowNs} counts with
     * its age, as its lag is at least that. Null when no window was noted.
     */
    synchronized Double maxLagSec(long nowNs) {
        if (windows == 0) {
            return null;
        }
        long max = maxLagNs;
        if (!pending.isEmpty()) {
            max = Math.max(max, nowNs - pending.peekFirst().windowEndNs());
        }
        return Math.max(0, max) / 1e9;
    }

    /**
     * The lag at {@code nowNs}, in seconds: the age of the oldest window not yet consumed, or, when
     * every window is, the lag of the last one. Beside {@link #maxLagSec} it shows whether a lag that
     * grew (a busy start) is being worked off. Null when no window was noted.
     */
    synchronized Double lagNowSec(long nowNs) {
        if (windows == 0) {
            return null;
        }
        long now = pending.isEmpty() ? lastLagNs : nowNs - pending.peekFirst().windowEndNs();
        return Math.max(0, now) / 1e9;
    }
}
