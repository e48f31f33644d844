package dev.perch.agent;

import dev.perch.telemetry.TelemetryReport;

import java.util.List;

/**
 * Windows made elsewhere in the agent — the push receiver's, closed once their grace period has
 * passed — which the agent publishes through the same sink as its scraped ones. Polled once per
 * interval from the agent's scheduler, so it must answer at once.
 */
@FunctionalInterface
public interface WindowSource {
    /** The windows ready to publish at {@code nowMs} (epoch ms), each returned once. */
    List<TelemetryReport> due(long nowMs);
}
