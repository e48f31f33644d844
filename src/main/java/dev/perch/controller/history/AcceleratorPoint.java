package dev.perch.controller.history;

/** One accelerator at one second: its predicted utilisation and whether the models call it stable. */
public record AcceleratorPoint(long atMs, Double utilization, boolean stable) {
}
