package dev.perch.faults;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultResultTest {
    @Test
    void theLineLeavesOutWhatDoesNotApply() {
        FaultResult result = new FaultResult("flood", 100L, 50L, 50L, 0L, 50L, null, null, 9000.5, 12000.0, null);
        assertEquals("{\"fault\":\"flood\",\"reportsIn\":100,\"hostileIn\":50,\"reportsCounted\":50,\"duplicates\":0,"
                + "\"deadLetters\":50,\"reportsPerSec\":9000.5,\"baselineReportsPerSec\":12000.0}", result.jsonLine());
        assertTrue(result.problems().isEmpty(), result.problems()::toString);
    }

    @Test
    void eachBrokenPromiseIsOneProblem() {
        FaultResult result = new FaultResult("kill-9", 100L, 10L, 89L, 2L, 9L, 1L, "finished", null, null, 3.0);
        assertEquals(List.of("reportsCounted 89 is not reportsIn − hostileIn = 90", "2 reports counted twice",
                "deadLetters 9 is not hostileIn 10", "1 moments with an app without a ready replica"), result.problems());
    }
}
