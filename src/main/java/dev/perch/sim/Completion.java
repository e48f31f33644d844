package dev.perch.sim;

import dev.perch.model.profile.AcceleratorType;

/**
 * One request the simulator served, as its inference server would see it: which app and model, the
 * node and accelerator that served it, and its times as wall-clock ms since the epoch (simulated
 * time mapped by the cluster's {@code epochMs}). {@code serviceMs} is its time on the device alone,
 * a swap included when it paid one; {@code queueMs} is the rest of its time on the accelerator —
 * waiting in line on an Edge TPU, slowed by sharing on a GPU or CPU — as the cluster's own telemetry
 * reports them. What lies between arrival and the accelerator (network, the app's front end) is in
 * the latency only.
 */
public record Completion(String app, String model, String node, String accelerator, AcceleratorType acceleratorType,
                         double arrivalEpochMs, double serviceStartEpochMs, double completionEpochMs,
                         double serviceMs, double queueMs, boolean swapped) {
    /** End to end, as the cluster's telemetry reports latency: completion less arrival. */
    public double latencyMs() {
        return completionEpochMs - arrivalEpochMs;
    }
}
