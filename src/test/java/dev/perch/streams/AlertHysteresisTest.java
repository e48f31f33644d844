package dev.perch.streams;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AlertHysteresisTest {
    private static List<String> run(boolean[][] windows) {
        AlertHysteresis hysteresis = AlertHysteresis.DEFAULT;
        AlertHysteresis.Tracker tracker = AlertHysteresis.Tracker.INITIAL;
        List<String> emitted = new ArrayList<>();
        for (boolean[] w : windows) {
            AlertHysteresis.Step step = hysteresis.next(tracker, w[0], w[1]);
            tracker = step.tracker();
            emitted.add(step.emit());
        }
        return emitted;
    }

    private static final boolean[] FINE = {false, false};
    private static final boolean[] PREDICTED = {true, false};
    private static final boolean[] OBSERVED = {false, true};
    private static final boolean[] BOTH = {true, true};

    @Test
    void oneNoisyWindowDoesNotAlert() {
        assertEquals(java.util.Arrays.asList(null, null, null, null),
                run(new boolean[][]{OBSERVED, FINE, PREDICTED, FINE}));
    }

    @Test
    void predictionLeadsToImpendingThenObservationToViolationThenRecovery() {
        assertEquals(java.util.Arrays.asList(null, "impending", null, "violation", null, null, "resolved"),
                run(new boolean[][]{PREDICTED, PREDICTED, BOTH, BOTH, FINE, FINE, FINE}));
    }

    @Test
    void aRecoveredViolationStepsDownToImpendingWhileTheModelsStillSeeRisk() {
        assertEquals(java.util.Arrays.asList(null, "violation", null, null, "impending"),
                run(new boolean[][]{OBSERVED, OBSERVED, PREDICTED, PREDICTED, PREDICTED}));
    }
}
