package dev.perch.model.queueing;

/**
 * One app's predicted mean response time: end to end, and the parts of it (on the accelerator,
 * waiting and served; in the front end, waiting and served; the network).
 */
public record AppLatency(String app, double meanMs, double acceleratorMeanMs, double frontendMeanMs, double networkMs) {
}
