package dev.perch.sim;

import dev.perch.model.profile.AcceleratorType;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiConsumer;

/**
 * An Edge TPU: one request at a time, first come first served; a request whose model differs from
 * the one served just before it pays a swap (the model's parameters are reloaded).
 */
final class FcfsAccelerator extends SimAccelerator {
    private record Waiting(Request request, double plainMs, double swappedMs) {
    }

    private final Deque<Waiting> queue = new ArrayDeque<>();
    private boolean busy;
    private String loadedModel;

    FcfsAccelerator(String id, String node, EventQueue events, BiConsumer<Request, Double> done) {
        super(id, node, AcceleratorType.EDGETPU, events, done);
    }

    @Override
    void submit(Request request, double nowMs, double plainMs, double swappedMs) {
        request.accelerator = id;
        request.enqueuedMs = nowMs;
        queue.add(new Waiting(request, plainMs, swappedMs));
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
        Request request = next.request();
        request.swapped = loadedModel != null && !loadedModel.equals(request.model);
        request.serviceStartMs = nowMs;
        request.serviceMs = request.swapped ? next.swappedMs() : next.plainMs();
        loadedModel = request.model;
        double endMs = nowMs + request.serviceMs;
        events.schedule(endMs, () -> {
            done.accept(request, endMs);
            startNext(endMs);
        });
    }
}
