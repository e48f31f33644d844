package dev.perch.sim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiConsumer;

/** An app's CPU front end (decode, resize): one request at a time, first come first served. */
final class FrontEnd {
    private record Waiting(Request request, double serviceMs) {
    }

    private final EventQueue events;
    private final BiConsumer<Request, Double> done;
    private final Deque<Waiting> queue = new ArrayDeque<>();
    private boolean busy;

    FrontEnd(EventQueue events, BiConsumer<Request, Double> done) {
        this.events = events;
        this.done = done;
    }

    void submit(Request request, double nowMs, double serviceMs) {
        queue.add(new Waiting(request, serviceMs));
        if (!busy) {
            startNext(nowMs);
        }
    }

    private void startNext(double nowMs) {
        Waiting next = queue.poll();
        if (next == null) {
            busy = false;
            return;
        }
        busy = true;
        double endMs = nowMs + next.serviceMs();
        events.schedule(endMs, () -> {
            done.accept(next.request(), endMs);
            startNext(endMs);
        });
    }
}
