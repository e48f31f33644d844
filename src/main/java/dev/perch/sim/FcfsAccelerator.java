package dev.perch.sim;

import dev.perch.model.profile.AcceleratorType;

import java.util.function.BiConsumer;

/**
 * An Edge TPU: one request at a time, first come first served; a request whose model differs from
 * the one served just before it pays a swap (the model's parameters are reloaded).
 */
final class FcfsAccelerator extends SimAccelerator {
    private record Waiting(Request request, double plainMs, double swappedMs) {
    }

    private final FifoServer<Waiting> server;
    private String loadedModel;

    FcfsAccelerator(String id, String node, EventQueue events, BiConsumer<Request, Double> done) {
        super(id, node, AcceleratorType.EDGETPU, events, done);
        this.server = new FifoServer<>(events, this::start, (waiting, endMs) -> done.accept(waiting.request(), endMs));
    }

    @Override
    void submit(Request request, double nowMs, double plainMs, double swappedMs) {
        request.accelerator = id;
        request.enqueuedMs = nowMs;
        server.submit(new Waiting(request, plainMs, swappedMs), nowMs);
    }

    private double start(Waiting waiting, double nowMs) {
        Request request = waiting.request();
        request.swapped = loadedModel != null && !loadedModel.equals(request.model);
        request.serviceStartMs = nowMs;
        request.serviceMs = request.swapped ? waiting.swappedMs() : waiting.plainMs();
        loadedModel = request.model;
        return request.serviceMs;
    }
}
