package dev.perch.streams;

import java.util.List;
import java.util.Map;

/**
 * What the topology remembers of one accelerator (store {@code accelerator-state-store}, keyed by
 * accelerator): the recent windows of every app reported on it, and each app's alert tracker.
 */
public record AcceleratorState(String accelerator, String acceleratorType, String node, Map<String, AppHistory> apps) {
    /** One app's recent windows on this accelerator, oldest first, what it has learned, and its alert tracker. */
    public record AppHistory(String app, String model, List<Window> windows, Learned learned,
                             AlertHysteresis.Tracker alert) {
        AppHistory withLearned(Learned learned) {
            return new AppHistory(app, model, windows, learned, alert);
        }

        AppHistory withAlert(AlertHysteresis.Tracker alert) {
            return new AppHistory(app, model, windows, learned, alert);
        }
    }

    /** One report's figures. */
    public record Window(long windowStartMs, long windowEndMs, long requests, Double meanMs, Double p50Ms,
                         Double p95Ms, Double p99Ms, Double serviceMs, Long swaps) {
    }
}
