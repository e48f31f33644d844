package dev.perch.streams;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The mean of the recent requests, against sums worked by hand. */
class ObservedLatencyTest {
    private static AcceleratorState.Window window(int second, long requests, Double meanMs) {
        return new AcceleratorState.Window(second * 1000L, (second + 1) * 1000L, requests, meanMs, null, null, null,
                null, null);
    }

    @Test
    void theRecentMeanLooksBackUntilItHasTwentyRequests() {
        var windows = List.of(window(0, 100, 999.0), window(1, 10, 20.0), window(2, 5, 40.0),
                window(3, 8, 30.0), window(4, 0, null));
        // From the newest: 0 (skipped), 8, 5, 10 → 23 ≥ 20; the 100 requests at 999 ms are not reached.
        assertEquals((8 * 30 + 5 * 40 + 10 * 20) / 23.0, ObservedLatency.recentRequestsMean(windows), 1e-12);
        assertNull(ObservedLatency.recentRequestsMean(List.of(window(0, 0, null))));
    }
}
