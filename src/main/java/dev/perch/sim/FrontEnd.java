package dev.perch.sim;

import java.util.function.BiConsumer;

/** An app's CPU front end (decode, resize): one request at a time, first come first served. */
final class FrontEnd {
    private record Waiting(Request request, double serviceMs) {
    }

    private final FifoServer<Waiting> server;

    FrontEnd(EventQueue events, BiConsumer<Request, Double> done) {
        this.server = new FifoServer<>(events, (waiting, nowMs) -> waiting.serviceMs(),
                (waiting, endMs) -> done.accept(waiting.request(), endMs));
    }

    void submit(Request request, double nowMs, double serviceMs) {
        server.submit(new Waiting(request, serviceMs), nowMs);
    }
}
