package dev.perch.runtime;

import dev.perch.telemetry.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An app that was never judged has no window compliance, and is not the summary's worst app. */
class DemoSummaryComplianceTest {
    private static DemoSummary.AppSummary app(String id, String accelerator, long judged, long over) {
        return new DemoSummary.AppSummary(id, accelerator, 60, null, null, judged, over,
                judged == 0 ? null : 1 - (double) over / judged, 0, null);
    }

    @Test
    void theWorstIsAmongTheAppsJudged() {
        List<DemoSummary.AppSummary> apps = List.of(app("served", "pi-1/tpu0", 200, 10), app("unplaced", null, 0, 0),
                app("fine", "pi-2/tpu0", 200, 0));
        assertEquals(0.95, DemoSummary.worstCompliance(apps), 1e-12);
        assertNull(DemoSummary.worstCompliance(List.of(app("unplaced", null, 0, 0))));
        assertNull(DemoSummary.worstCompliance(List.of()));
    }

    @Test
    void anAppNeverJudgedShowsNoComplianceInTheJson() {
        String json = Json.write(app("unplaced", null, 0, 0));
        assertFalse(json.contains("windowCompliance"), json);
        assertTrue(Json.write(app("served", "pi-1/tpu0", 200, 10)).contains("\"windowCompliance\":0.95"));
    }
}
