package dev.perch.kubernetes;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The coalescing queue of reports: latest wins per kind, no kind lost, first-come order, bounded. */
class PendingReportsTest {
    private static InferenceApp app(String name) {
        return KubernetesFixtures.app(name, "mobilenet-v2", 100.0);
    }

    private static InferenceAppStatus applied(PendingReports.Report report) {
        InferenceAppStatus status = new InferenceAppStatus();
        ((PendingReports.StatusReport) report).applyTo(status);
        return status;
    }

    @Test
    void theLatestChangeOfAKindWinsAndOtherKindsGoInTheSameWrite() {
        PendingReports pending = new PendingReports();
        for (int i = 1; i <= 100; i++) {
            double predicted = i;
            pending.status("cam-1", InferenceAppStatus.SLO_AT_RISK, s -> s.setPredictedMs(predicted));
        }
        pending.status("cam-1", InferenceAppStatus.REPORTING, s -> s.setNode("pi-1"));
        assertEquals(1, pending.size(), "one write for the app, however many reports");
        InferenceAppStatus status = applied(pending.poll().orElseThrow());
        assertEquals(100.0, status.getPredictedMs());
        assertEquals("pi-1", status.getNode(), "the other kind is not lost");
        assertTrue(pending.poll().isEmpty());
    }

    @Test
    void appsAreWrittenInTheOrderFirstReportedAndABusyAppKeepsItsPlace() {
        PendingReports pending = new PendingReports();
        pending.status("a", "k", s -> { });
        pending.status("b", "k", s -> { });
        pending.event(app("c"), "Placed", "placed on pi-1/tpu0");
        pending.status("a", "k", s -> { });
        List<String> order = new ArrayList<>();
        pending.poll().ifPresent(r -> order.add(r.app()));
        pending.poll().ifPresent(r -> order.add(r.app()));
        pending.poll().ifPresent(r -> order.add(r.app()));
        assertEquals(List.of("a", "b", "c"), order);
        assertEquals(0, pending.size());
    }

    @Test
    void eventsOfOneReasonOnOneAppCoalesceCountingDifferentMessages() {
        PendingReports pending = new PendingReports();
        pending.event(app("cam-1"), "SloAtRisk", "predicted 120 ms");
        pending.event(app("cam-1"), "SloAtRisk", "predicted 120 ms");
        pending.event(app("cam-1"), "SloAtRisk", "predicted 130 ms");
        pending.event(app("cam-1"), "Decision", "moved");
        assertEquals(2, pending.size());
        PendingReports.EventReport risk = (PendingReports.EventReport) pending.poll().orElseThrow();
        assertEquals("predicted 130 ms", risk.message());
        assertEquals(2, risk.count(), "two different messages; the repeat of the first is not counted");
        assertEquals("Decision", ((PendingReports.EventReport) pending.poll().orElseThrow()).reason());
    }

    @Test
    void aStateWriteTakesTheAppsWaitingChangesOnly() {
        PendingReports pending = new PendingReports();
        pending.status("a", InferenceAppStatus.UNSCHEDULABLE, s -> s.setNode("reported"));
        pending.status("b", InferenceAppStatus.UNSCHEDULABLE, s -> s.setNode("b"));
        pending.event(app("a"), "Decision", "placed");
        InferenceAppStatus status = applied(pending.takeStatus("a").orElseThrow());
        assertEquals("reported", status.getNode());
        assertTrue(pending.takeStatus("a").isEmpty());
        assertEquals(2, pending.size(), "b's status and a's Event still wait");
        assertNull(applied(new PendingReports.StatusReport("x", List.of())).getNode());
    }

    @Test
    void staysBoundedByAppsTimesKinds() {
        PendingReports pending = new PendingReports();
        for (int round = 0; round < 50; round++) {
            for (int app = 0; app < 1000; app++) {
                pending.status("app-" + app, InferenceAppStatus.SLO_AT_RISK, s -> { });
                pending.status("app-" + app, InferenceAppStatus.REPORTING, s -> { });
                pending.event(app("app-" + app), "SloAtRisk", "round " + round);
            }
        }
        assertEquals(2000, pending.size());
    }
}
