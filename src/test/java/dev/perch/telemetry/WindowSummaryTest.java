package dev.perch.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class WindowSummaryTest {
    private static TelemetryReport report(WindowSummary summary, long swaps) {
        return summary.report("n1", "n1/tpu0", "edgetpu", "cam", "mobilenet_v2", 1000, 2000, swaps);
    }

    @Test
    void anEmptyWindowReportsNoRequestsAndNoFigures() {
        TelemetryReport r = report(new WindowSummary(0), 0);
        assertEquals(0, r.requests());
        assertNull(r.latencyMs());
        assertNull(r.serviceMs());
        assertNull(r.queueMs());
        assertNull(r.latencyHistogram());
        assertEquals(0L, r.swaps());
    }

    /** Twenty requests, latencies 1..20 ms added out of order, into a summary sized for none. */
    @Test
    void latencyIsNearestRankOverTheWindowAndTheMeansSkipUntimedRequests() {
        WindowSummary summary = new WindowSummary(0);
        for (int i = 20; i >= 1; i--) {
            // Every fourth request sent no service start.
            summary.add(i, i % 4 == 0 ? Double.NaN : 0.5 * i, i % 4 == 0 ? Double.NaN : 0.25 * i);
        }
        TelemetryReport r = report(summary, 3);
        assertEquals(20, r.requests());
        assertEquals(new LatencySummary(10.5, 10.0, 19.0, 20.0, 20.0), r.latencyMs());
        // The fifteen timed requests are 1..20 but for 4, 8, 12, 16, 20 (sum 150).
        assertEquals(new MeanSummary(5.0), r.serviceMs());
        assertEquals(new MeanSummary(2.5), r.queueMs());
        assertEquals(3L, r.swaps());
        assertEquals(20L, r.latencyHistogram().counts().stream().mapToLong(Long::longValue).sum());
        assertEquals(List.of("n1", "n1/tpu0", "edgetpu", "cam", "mobilenet_v2", 1000L, 2000L),
                List.of(r.node(), r.accelerator(), r.acceleratorType(), r.app(), r.model(), r.windowStartMs(), r.windowEndMs()));
    }

    @Test
    void aWindowWhoseRequestsAllLackServiceStartsHasOnlyLatency() {
        WindowSummary summary = new WindowSummary();
        summary.add(12.3456, Double.NaN, Double.NaN);
        TelemetryReport r = report(summary, 0);
        assertEquals(new LatencySummary(12.346, 12.346, 12.346, 12.346, 12.346), r.latencyMs());
        assertNull(r.serviceMs());
        assertNull(r.queueMs());
    }
}
