package dev.perch.streams;

import dev.perch.model.profile.SloStatistic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Observed latency from windows, against sums worked by hand. */
class ObservedLatencyTest {
    private static AcceleratorState.Window window(int second, long requests, Double meanMs, Double p95Ms) {
        return new AcceleratorState.Window(second * 1000L, (second + 1) * 1000L, requests, meanMs, null, p95Ms, null,
                null, null);
    }

    @Test
    void aStatisticIsTheRequestWeightedMeanOfTheRecentWindowsFigures() {
        var windows = List.of(window(0, 10, 20.0, 40.0), window(1, 30, 60.0, 100.0), window(2, 0, null, null));
        ObservedLatency observed = new ObservedLatency(10_000);
        assertEquals((10 * 20 + 30 * 60) / 40.0, observed.statistic(windows, SloStatistic.MEAN), 1e-12);
        assertEquals((10 * 40 + 30 * 100) / 40.0, observed.statistic(windows, SloStatistic.P95), 1e-12);
        assertNull(observed.statistic(windows, SloStatistic.P99), "no window carries a p99");
        assertNull(observed.statistic(List.of(), SloStatistic.MEAN));
    }

    @Test
    void onlyWindowsEndingWithinTheHistoryCount() {
        var windows = List.of(window(0, 10, 20.0, 40.0), window(1, 30, 60.0, 100.0), window(2, 0, null, null));
        // History 1.5 s back from the last end (3 s): the windows ending at 2 s and 3 s.
        assertEquals(List.of(windows.get(1), windows.get(2)), new ObservedLatency(1_500).recent(windows));
        assertEquals(60.0, new ObservedLatency(1_500).statistic(windows, SloStatistic.MEAN), 1e-12);
    }

    @Test
    void theRecentMeanLooksBackUntilItHasTwentyRequests() {
        var windows = List.of(window(0, 100, 999.0, null), window(1, 10, 20.0, null), window(2, 5, 40.0, null),
                window(3, 8, 30.0, null), window(4, 0, null, null));
        // From the newest: 0 (skipped), 8, 5, 10 → 23 ≥ 20; the 100 requests at 999 ms are not reached.
        assertEquals((8 * 30 + 5 * 40 + 10 * 20) / 23.0, ObservedLatency.recentRequestsMean(windows), 1e-12);
        assertNull(ObservedLatency.recentRequestsMean(List.of(window(0, 0, null, null))));
    }
}
