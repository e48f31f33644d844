package dev.perch.agent.push;

/**
 * One request as an app pushes it to {@code POST /v1/requests}: the columns of Perch's per-request
 * recording format ({@link dev.perch.telemetry.RecordingReader}, format {@code perch}) that a process
 * can know about itself — its app, its model, and when the request arrived, started on the device
 * and completed, in ms since the epoch. {@code serviceStartMs} is {@code NaN} when the app did not
 * send it (as in {@link dev.perch.telemetry.RecordedRequest}); then the window has no service or queue
 * time. The accelerator is not sent: the agent's configuration binds each app to one.
 */
public record PushedRequest(String app, String model, double arrivalMs, double serviceStartMs, double completionMs) {
    public boolean hasServiceStart() {
        return !Double.isNaN(serviceStartMs);
    }

    public double latencyMs() {
        return completionMs - arrivalMs;
    }
}
