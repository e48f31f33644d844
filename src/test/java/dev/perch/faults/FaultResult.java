package dev.perch.faults;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * What one fault did, as the suite prints it: one JSON line, the fields that do not apply to the
 * fault left out ({@code null}).
 *
 * @param reportsIn            telemetry records the producers had acknowledged, hostile ones included
 * @param hostileIn            the hostile (or refused) ones among them
 * @param reportsCounted       the topology's own count of reports admitted, once per app and window
 * @param duplicates           reports counted more than once (an accelerator window predicted twice,
 *                             a report admitted twice)
 * @param deadLetters          records on the dead-letter topic
 * @param zeroReadyMoments     how often a watcher saw an app with no ready replica
 * @param outcome              what became of the interrupted move or run, in words
 * @param reportsPerSec        the topology's throughput under the fault (the flood's)
 * @param baselineReportsPerSec the same without the fault
 * @param recoverySec          from the end of the fault until Perch was whole again
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record FaultResult(String fault, Long reportsIn, Long hostileIn, Long reportsCounted, Long duplicates,
                   Long deadLetters, Long zeroReadyMoments, String outcome, Double reportsPerSec,
                   Double baselineReportsPerSec, Double recoverySec) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The suite's line for this fault. */
    String jsonLine() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What the "done when" asks of every fault, broken here, one line each: every valid
     * report counted once, every hostile one dead-lettered, none counted twice, no app ever without a
     * ready replica. Empty when all hold (or do not apply).
     */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (reportsIn != null && hostileIn != null && reportsCounted != null && reportsCounted != reportsIn - hostileIn) {
            problems.add("reportsCounted " + reportsCounted + " is not reportsIn − hostileIn = " + (reportsIn - hostileIn));
        }
        if (duplicates != null && duplicates != 0) {
            problems.add(duplicates + " reports counted twice");
        }
        if (deadLetters != null && hostileIn != null && !deadLetters.equals(hostileIn)) {
            problems.add("deadLetters " + deadLetters + " is not hostileIn " + hostileIn);
        }
        if (zeroReadyMoments != null && zeroReadyMoments != 0) {
            problems.add(zeroReadyMoments + " moments with an app without a ready replica");
        }
        return problems;
    }
}
