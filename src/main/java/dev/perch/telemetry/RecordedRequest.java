package dev.perch.telemetry;

/**
 * One request of a per-request recording: which load step it belongs to, the app and model, the
 * accelerator, and when it arrived, was queued for the accelerator, started service (NaN when not
 * recorded) and completed (ms).
 */
public record RecordedRequest(String step, String app, String model, String accelerator, String acceleratorType,
                              double arrivalMs, double queuedMs, double serviceStartMs, double completionMs) {
    public double latencyMs() {
        return completionMs - arrivalMs;
    }
}
