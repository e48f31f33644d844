package dev.perch.streams;

import java.util.List;

/**
 * The mean latency of an app's most recent requests, what the reactive rule reacts to. Its
 * latency over its SLO window, what its SLO is judged on, is {@link SloWindows}'s.
 */
final class ObservedLatency {
    /** How many requests the "recent mean" looks back over, at least. */
    static final int RECENT_REQUESTS = 20;

    private ObservedLatency() {
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
}
