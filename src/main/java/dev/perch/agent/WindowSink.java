package dev.perch.agent;

import dev.perch.telemetry.TelemetryReport;

/**
 * Where the agent's windows go: Kafka ({@link KafkaSink}) or stdout ({@link PrintSink}). Called from
 * the scrape path, so it must return at once: a sink that cannot deliver buffers or drops, and
 * counts what it drops, but never makes the next scrape wait.
 */
public interface WindowSink extends AutoCloseable {
    void accept(TelemetryReport report);

    /** Delivers what it can within a short while and lets go of its resources. */
    @Override
    void close();
}
