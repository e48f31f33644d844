package dev.perch.streams;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The default hysteresis (enter after 2, step down after 3, 10 % margin) on one-second windows, a 5 s SLO window. */
class AlertHysteresisTest {
    private static final int WINDOW_SEC = 5;

    private static final AlertHysteresis.Verdict CLEAR = new AlertHysteresis.Verdict(false, false, true, true);
    /** Within the SLO, observed and predicted, but not by the margin. */
    private static final AlertHysteresis.Verdict WITHIN = new AlertHysteresis.Verdict(false, false, true, false);
    /** The models put the app over its SLO, now or at the horizon. */
    private static final AlertHysteresis.Verdict PREDICTED = new AlertHysteresis.Verdict(true, false, true, false);
    private static final AlertHysteresis.Verdict OBSERVED = new AlertHysteresis.Verdict(false, true, false, false);
    private static final AlertHysteresis.Verdict BOTH = new AlertHysteresis.Verdict(true, true, false, false);

    /** What each window emits; window i (from 0) ends at (i + 1) s. */
    private static List<String> run(AlertHysteresis.Verdict... windows) {
        AlertHysteresis.Tracker tracker = AlertHysteresis.Tracker.INITIAL;
        List<String> emitted = new ArrayList<>();
        for (int i = 0; i < windows.length; i++) {
            AlertHysteresis.Step step = AlertHysteresis.DEFAULT.next(tracker, windows[i], (i + 1) * 1000L, WINDOW_SEC);
            tracker = step.tracker();
            emitted.add(step.emit());
        }
        return emitted;
    }

    private static AlertHysteresis.Verdict[] times(int n, AlertHysteresis.Verdict verdict) {
        return Collections.nCopies(n, verdict).toArray(new AlertHysteresis.Verdict[0]);
    }

    private static AlertHysteresis.Verdict[] concat(AlertHysteresis.Verdict[]... parts) {
        return Arrays.stream(parts).flatMap(Arrays::stream).toArray(AlertHysteresis.Verdict[]::new);
    }

    private static List<String> nulls(int n) {
        return Collections.nCopies(n, null);
    }

    private static List<String> then(List<String> before, String... after) {
        List<String> all = new ArrayList<>(before);
        all.addAll(Arrays.asList(after));
        return all;
    }

    @Test
    void oneNoisyWindowDoesNotAlert() {
        assertEquals(nulls(4), run(OBSERVED, CLEAR, PREDICTED, CLEAR));
    }

    @Test
    void predictionLeadsToImpendingThenObservationToViolationThenAWholeClearWindowResolves() {
        // The last unclear window ends at 4 s; clear from 5 s on, resolved at 9 s: 5 s after it.
        assertEquals(then(Arrays.asList(null, "impending", null, "violation"), null, null, null, null, "resolved"),
                run(concat(new AlertHysteresis.Verdict[]{PREDICTED, PREDICTED, BOTH, BOTH}, times(5, CLEAR))));
    }

    @Test
    void aStatisticBackWithinTheSloButNotTheMarginStaysRaised() {
        assertEquals(then(then(nulls(1), "violation"), nulls(20).toArray(new String[0])),
                run(concat(times(2, OBSERVED), times(20, WITHIN))));
        assertEquals(then(then(then(nulls(1), "violation"), nulls(24).toArray(new String[0])), "resolved"),
                run(concat(times(2, OBSERVED), times(20, WITHIN), times(5, CLEAR))));
    }

    @Test
    void oneWindowInTheMarginStartsTheClearWindowAgain() {
        assertEquals(then(then(nulls(1), "impending"), nulls(9).toArray(new String[0])),
                run(concat(times(2, PREDICTED), times(4, CLEAR), times(1, WITHIN), times(4, CLEAR))));
        assertEquals("resolved", run(concat(times(2, PREDICTED), times(4, CLEAR), times(1, WITHIN), times(5, CLEAR))).get(11));
    }

    @Test
    void aRecoveredViolationStepsDownToImpendingWhileTheModelsStillSeeRisk() {
        assertEquals(Arrays.asList(null, "violation", null, null, "impending"),
                run(OBSERVED, OBSERVED, PREDICTED, PREDICTED, PREDICTED));
    }

    @Test
    void aMarginOutsideZeroToOneIsRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new AlertHysteresis(2, 3, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new AlertHysteresis(2, 3, -0.1));
    }

    @Test
    void withinAWindowOfBeingResolvedOnlyTheObservedStatisticRaisesItAgain() {
        // Raised by the models at 2 s, resolved at 7 s (clear 3–7 s).
        List<String> predicted = run(concat(times(2, PREDICTED), times(5, CLEAR), times(5, PREDICTED)));
        assertEquals(then(then(nulls(1), "impending"), then(nulls(4), "resolved").toArray(new String[0])),
                predicted.subList(0, 7));
        assertEquals(nulls(4), predicted.subList(7, 11), "8–11 s: within 5 s of the resolution");
        // At 12 s the window has passed: the models, over for long enough, raise it again.
        assertEquals("impending", predicted.get(11));
        // The observed statistic raises it within the window, as ever.
        assertEquals("violation", run(concat(times(2, PREDICTED), times(5, CLEAR), times(2, OBSERVED))).get(8));
        assertEquals("violation", run(concat(times(2, PREDICTED), times(5, CLEAR), times(2, BOTH))).get(8));
    }

    @Test
    void theModelsRaiseAnAppNeverResolvedAtOnce() {
        assertEquals(Arrays.asList(null, "impending"), run(PREDICTED, PREDICTED));
    }
}
