package dev.perch.controller;

import dev.perch.telemetry.AlertRecord;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A flap, as issue 19 defines it: an app's alert raised less than one of its windows after it was resolved. */
class AlertTallyTest {
    private static AlertRecord alert(String app, String kind, long atMs) {
        return new AlertRecord(AlertRecord.SCHEMA, app + ":" + atMs + ":" + kind, kind, app, "pi-1/tpu0", "pi-1", 100,
                "mean", null, null, null, null, atMs, "");
    }

    @Test
    void aRaiseSoonerThanAWindowAfterAResolutionIsAFlapAndOnlyThen() {
        AlertTally tally = new AlertTally();
        tally.received(alert("a", AlertRecord.IMPENDING, 1_000));
        tally.received(alert("a", AlertRecord.VIOLATION, 3_000)); // escalation, no resolution between: not a flap
        tally.received(alert("a", AlertRecord.RESOLVED, 10_000));
        tally.received(alert("a", AlertRecord.IMPENDING, 40_000)); // 30 s after
        tally.received(alert("a", AlertRecord.RESOLVED, 50_000));
        tally.received(alert("a", AlertRecord.VIOLATION, 150_000)); // 100 s after
        tally.received(alert("b", AlertRecord.RESOLVED, 0)); // b's resolution says nothing of a

        assertEquals(1, tally.flaps("a", 60_000), "30 s after resolution, within a 60 s window");
        assertEquals(0, tally.flaps("a", 30_000), "30 s is not less than a 30 s window");
        assertEquals(2, tally.flaps("a", 120_000));
        assertEquals(0, tally.flaps("b", 60_000));
        assertEquals(7, tally.alerts(), "every alert received, b's too");
        assertEquals(1_000L, tally.firstImpendingWindowEndMs("a").orElseThrow());
    }
}
