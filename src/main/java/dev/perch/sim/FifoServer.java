package dev.perch.sim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiConsumer;

/**
 * One server, one job at a time, first come first served: the queue discipline of an Edge TPU and of
 * an app's front end. How long a job takes is decided when its service starts, because on an Edge
 * TPU it depends on the job served just before it.
 */
final class FifoServer<T> {
    /** The service time of {@code job}, decided when it starts at {@code nowMs}. */
    interface ServiceStart<T> {
        double serviceMs(T job, double nowMs);
    }

    private final EventQueue events;
    private final ServiceStart<T> start;
    private final BiConsumer<T, Double> done;
    private final Deque<T> queue = new ArrayDeque<>();
    private boolean busy;

    FifoServer(EventQueue events, ServiceStart<T> start, BiConsumer<T, Double> done) {
        this.events = events;
        this.start = start;
        this.done = done;
    }

    void submit(T job, double nowMs) {
        queue.add(job);
        if (!busy) {
            startNext(nowMs);
        }
    }

    private void startNext(double nowMs) {
        T next = queue.poll();
        if (next == null) {
            busy = false;
            return;
        }
        busy = true;
        double endMs = nowMs + start.serviceMs(next, nowMs);
        events.schedule(endMs, () -> {
            done.accept(next, endMs);
            startNext(endMs);
        });
    }
}
