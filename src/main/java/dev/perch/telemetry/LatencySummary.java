package dev.perch.telemetry;

/** Latency statistics of one window, in milliseconds; only {@code mean} is required. */
public record LatencySummary(Double mean, Double p50, Double p95, Double p99, Double max) {
}
