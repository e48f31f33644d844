package dev.perch.sim;

import dev.perch.model.profile.AcceleratorType;

import java.util.function.BiConsumer;

/** A simulated device that takes requests and reports each one done at its completion time. */
abstract sealed class SimAccelerator permits FcfsAccelerator, SharedAccelerator {
    final String id;
    final String node;
    final AcceleratorType type;
    final EventQueue events;
    /** Called with the request and its completion time. */
    final BiConsumer<Request, Double> done;

    SimAccelerator(String id, String node, AcceleratorType type, EventQueue events, BiConsumer<Request, Double> done) {
        this.id = id;
        this.node = node;
        this.type = type;
        this.events = events;
        this.done = done;
    }

    /**
     * Accepts a request at {@code nowMs}; {@code plainMs} and {@code swappedMs} are the request's
     * service time drawn for both cases, so the device picks the one that applies when it serves it.
     */
    abstract void submit(Request request, double nowMs, double plainMs, double swappedMs);
}
