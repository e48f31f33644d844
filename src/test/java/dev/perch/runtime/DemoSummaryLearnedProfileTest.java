package dev.perch.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.LearnedProfile;
import dev.perch.telemetry.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo summary's {@code learnedProfile}: per app, the profile Perch learned from it on probation,
 * as {@code {acceleratorType, serviceMs, swapMs, memoryMb, source}}; absent for an app it learned none from.
 */
class DemoSummaryLearnedProfileTest {
    private static final Instant AT = Instant.parse("2026-12-20T10:15:30Z");

    @Test
    void eachAppShowsTheLastProfileLearnedFromItAndNoOtherAppShowsOne() {
        List<LearnedProfile> kept = List.of(
                new LearnedProfile("door-detector-v1", AcceleratorType.EDGETPU, 33.4567, 30, 101.25, "door", "pi-2/tpu0", 290, AT),
                new LearnedProfile("fresh", AcceleratorType.GPU, 20, 0, 700, "gate", "nano-1/gpu0", 1200, AT),
                new LearnedProfile("fresh", AcceleratorType.EDGETPU, 41, 20, 100, "gate", "pi-1/tpu0", 400, AT.plusSeconds(60)));
        Map<String, DemoSummary.LearnedProfileSummary> byApp = DemoSummary.learnedByApp(kept);
        assertEquals(Map.of(
                "door", new DemoSummary.LearnedProfileSummary("edgetpu", 33.457, 30, 101.25,
                        "learned online from door on pi-2/tpu0, 290 requests, 2026-12-20T10:15:30Z"),
                "gate", new DemoSummary.LearnedProfileSummary("edgetpu", 41, 20, 100,
                        "learned online from gate on pi-1/tpu0, 400 requests, 2026-12-20T10:16:30Z")), byApp);
        assertEquals(Map.of(), DemoSummary.learnedByApp(List.of()));
    }

    @Test
    void theJsonHasTheFiveFieldsWhereOneWasLearnedAndNoFieldElsewhere() throws Exception {
        DemoSummary.LearnedProfileSummary learned = DemoSummary.LearnedProfileSummary.of(
                new LearnedProfile("door-detector-v1", AcceleratorType.EDGETPU, 33.5, 30, 100, "door", "pi-2/tpu0", 290, AT));
        DemoSummary summary = new DemoSummary("unprofiled", "perch", 1, "direct", 300, 900, 900L, 0, 3, 2, 0, 400, 0, 1.0, 1.0, 0,
                0.1, List.of(
                new DemoSummary.AppSummary("door", "pi-2/tpu0", 60, null, null, 240, 0, 1.0, 0, learned),
                new DemoSummary.AppSummary("cam-1", "pi-1/tpu0", 60, null, null, 240, 0, 1.0, 0, null)));
        JsonNode apps = new ObjectMapper().readTree(Json.write(summary)).get("apps");
        JsonNode door = apps.get(0).get("learnedProfile");
        assertEquals(new ObjectMapper().readTree("""
                {"acceleratorType":"edgetpu","serviceMs":33.5,"swapMs":30.0,"memoryMb":100.0,
                 "source":"learned online from door on pi-2/tpu0, 290 requests, 2026-12-20T10:15:30Z"}"""), door);
        assertFalse(apps.get(1).has("learnedProfile"), apps.get(1).toString());
        assertTrue(apps.get(1).has("judgedSeconds"));
    }
}
