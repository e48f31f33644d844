package dev.perch.kubernetes;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Condition rules as Kubernetes has them, without a server. */
class ConditionsTest {
    private static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");
    private static final Instant T1 = Instant.parse("2026-11-27T00:05:00Z");

    private static Condition condition(String type, String status, String reason, String message, String since) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).build();
    }

    @Test
    void aNewConditionIsAddedLastWithNowAsItsTransition() {
        List<Condition> placed = List.of(condition("Placed", "True", "Placed", "runs on pi-1/tpu0", "2026-11-26T00:00:00Z"));
        List<Condition> result = Conditions.set(placed, "Migrating", "True", "Starting", "starting on pi-2/tpu0", T0);
        assertEquals(List.of(placed.get(0), condition("Migrating", "True", "Starting", "starting on pi-2/tpu0",
                "2026-11-27T00:00:00Z")), result);
    }

    @Test
    void theSameStatusKeepsItsTransitionTimeButTakesTheNewReasonAndMessage() {
        List<Condition> before = List.of(condition("Migrating", "True", "Starting", "starting on pi-2/tpu0", "2026-11-27T00:00:00Z"));
        List<Condition> after = Conditions.set(before, "Migrating", "True", "Switched", "traffic on pi-2/tpu0", T1);
        assertEquals(List.of(condition("Migrating", "True", "Switched", "traffic on pi-2/tpu0", "2026-11-27T00:00:00Z")), after);
    }

    @Test
    void aChangedStatusMovesTheTransitionTimeAndKeepsItsPlaceInTheList() {
        List<Condition> before = List.of(
                condition("Migrating", "True", "Starting", "starting on pi-2/tpu0", "2026-11-27T00:00:00Z"),
                condition("Placed", "True", "Placed", "runs on pi-1/tpu0", "2026-11-26T00:00:00Z"));
        List<Condition> after = Conditions.set(before, "Migrating", "False", "Completed", "moved", T1);
        assertEquals(List.of(condition("Migrating", "False", "Completed", "moved", "2026-11-27T00:05:00Z"), before.get(1)), after);
        assertEquals(2, before.size(), "the input is left as it was");
        assertEquals("True", before.get(0).getStatus());
    }

    @Test
    void saysIsTrueOnlyForTheSameStatusAndMessage() {
        List<Condition> conditions = List.of(condition("Unschedulable", "True", "Invalid", "spec.model is missing", "x"));
        assertTrue(Conditions.says(conditions, "Unschedulable", "True", "spec.model is missing"));
        assertFalse(Conditions.says(conditions, "Unschedulable", "False", "spec.model is missing"));
        assertFalse(Conditions.says(conditions, "Unschedulable", "True", "another reason"));
        assertFalse(Conditions.says(conditions, "SloAtRisk", "True", "spec.model is missing"));
    }
}
