package dev.perch.sim;

import java.util.PriorityQueue;

/** The discrete-event engine's agenda: actions ordered by simulated time, then by scheduling order. */
final class EventQueue {
    private record Event(double timeMs, long sequence, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Double.compare(timeMs, other.timeMs);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long sequence;
    private double nowMs;

    double nowMs() {
        return nowMs;
    }

    void schedule(double timeMs, Runnable action) {
        events.add(new Event(Math.max(timeMs, nowMs), sequence++, action));
    }

    /** Runs every event due before {@code untilMs}, then sets the clock to it. */
    void runUntil(double untilMs) {
        while (!events.isEmpty() && events.peek().timeMs() < untilMs) {
            Event event = events.poll();
            nowMs = event.timeMs();
            event.action().run();
        }
        nowMs = Math.max(nowMs, untilMs);
    }
}
