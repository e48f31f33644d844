package dev.perch.sim;

/** One simulated inference request, stamped as it passes each stage (times in simulated ms). */
final class Request {
    final String app;
    final String model;
    final double arrivalMs;
    String accelerator;
    double enqueuedMs;
    double serviceStartMs;
    double serviceMs;
    boolean swapped;

    Request(String app, String model, double arrivalMs) {
        this.app = app;
        this.model = model;
        this.arrivalMs = arrivalMs;
    }
}
