package dev.perch.agent;

import dev.perch.telemetry.Json;
import dev.perch.telemetry.TelemetryReport;

import java.io.PrintStream;

/**
 * {@code agent --print}: each window as the one JSON line it would be on {@code perch.telemetry.v1},
 * on stdout, and nothing published — how a user checks a mapping before switching it on.
 */
public final class PrintSink implements WindowSink {
    private final PrintStream out;
    private final AgentMetrics metrics;

    public PrintSink(PrintStream out, AgentMetrics metrics) {
        this.out = out;
        this.metrics = metrics;
    }

    @Override
    public void accept(TelemetryReport report) {
        String line = Json.write(report);
        synchronized (out) {
            out.println(line);
            out.flush();
        }
        metrics.published();
    }

    @Override
    public void close() {
        out.flush();
    }
}
