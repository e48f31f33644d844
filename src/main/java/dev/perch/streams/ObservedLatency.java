package dev.perch.streams;

import dev.perch.model.profile.SloStatistic;

import java.util.List;
import java.util.function.Function;

/**
 * Decides an app's observed latency on its accelerator from the windows it reported there: the value
 * of an SLO statistic is the request-weighted mean of the last {@code historyMs} of windows' own
 * figures for it — for a percentile an approximation, since windows do not carry their samples.
 * Weighting by requests keeps a nearly idle window from counting as much as a busy one.
 */
record ObservedLatency(long historyMs) {
    /** How many requests the "recent mean" looks back over, at least. */
    static final int RECENT_REQUESTS = 20;

    /** The observed value of the statistic over the recent windows (oldest first), or null when none has it. */
    Double statistic(List<AcceleratorState.Window> windows, SloStatistic statistic) {
        List<AcceleratorState.Window> recent = recent(windows);
        return switch (statistic) {
            case MEAN -> weightedMean(recent, AcceleratorState.Window::meanMs);
            case P50 -> weightedMean(recent, AcceleratorState.Window::p50Ms);
            case P95 -> weightedMean(recent, AcceleratorState.Window::p95Ms);
            case P99 -> weightedMean(recent, AcceleratorState.Window::p99Ms);
        };
    }

    /** The windows that ended within {@code historyMs} of the last one (oldest first). */
    List<AcceleratorState.Window> recent(List<AcceleratorState.Window> windows) {
        if (windows.isEmpty()) {
            return windows;
        }
        long from = windows.get(windows.size() - 1).windowEndMs() - historyMs;
        return windows.stream().filter(w -> w.windowEndMs() > from).toList();
    }

    /**
     * Mean latency of the most recent windows that hold at least {@value #RECENT_REQUESTS} requests
     * between them, however long ago: for an app too quiet to fill its history with requests, a mean
     * over a handful would be noise.
     */
    static Double recentRequestsMean(List<AcceleratorState.Window> windows) {
        double sum = 0;
        long count = 0;
        for (int i = windows.size() - 1; i >= 0 && count < RECENT_REQUESTS; i--) {
            AcceleratorState.Window w = windows.get(i);
            if (w.requests() > 0 && w.meanMs() != null) {
                sum += w.meanMs() * w.requests();
                count += w.requests();
            }
        }
        return count == 0 ? null : sum / count;
    }

    /** Mean of a per-window figure weighted by each window's requests; null when no window has it. */
    static Double weightedMean(List<AcceleratorState.Window> windows, Function<AcceleratorState.Window, Double> figure) {
        double sum = 0;
        long weight = 0;
        for (AcceleratorState.Window window : windows) {
            Double value = figure.apply(window);
            if (value != null && window.requests() > 0) {
                sum += value * window.requests();
                weight += window.requests();
            }
        }
        return weight == 0 ? null : sum / weight;
    }
}
