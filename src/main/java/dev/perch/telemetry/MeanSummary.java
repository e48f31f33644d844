package dev.perch.telemetry;

/** A mean over one window, in milliseconds. */
public record MeanSummary(Double mean) {
}
