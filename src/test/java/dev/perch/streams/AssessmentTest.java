package dev.perch.streams;

import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.PredictionRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.perch.streams.TopologyFixture.T0;
import static dev.perch.streams.TopologyFixture.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reports assessed one after another without Kafka: the state each leaves is the next one's input. */
class AssessmentTest {
    private static final InventoryRecord NODE = new InventoryRecord(InventoryRecord.SCHEMA, "pi-1", 4096, 10, 20,
            List.of(new InventoryRecord.Entry("pi-1/tpu0", "edgetpu")), T0);
    private final Assessment assessment = new Assessment(TopologySettings.defaults(ScenarioReader.defaultCatalog()));

    private static Map<String, AppRecord> spec(String app, String model, double sloMs) {
        return Map.of(app, new AppRecord(AppRecord.SCHEMA, app, model, 2, sloMs, "mean", 60, "pi-1", "pi-1/tpu0", null, T0));
    }

    @Test
    void theBiasLearnsFromEachWindowAfterItsPredictionAndCorrectsTheNext() {
        // Inception-V4 alone at 2 req/s behind a 20 ms front end and 10 ms network: Pollaczek–Khinchine twice.
        double lambda = 2 / 1000.0;
        double predicted = 10 + (20 + lambda * 400 * 1.04 / (2 * (1 - lambda * 20)))
                + (125.13 + lambda * 125.13 * 125.13 / (2 * (1 - lambda * 125.13)));
        var specs = spec("a", "inception_v4", 10_000);
        AcceleratorState state = null;
        PredictionRecord last = null;
        for (int s = 0; s <= 60; s++) {
            // Observed 50 % over the models, for 61 windows: the bias is learned from the 60th on, within ±20 %.
            var outcome = assessment.assess(state, report("a", "inception_v4", "pi-1/tpu0", s, 2, 1.5 * predicted),
                    specs::get, NODE);
            state = outcome.state();
            last = outcome.prediction();
            assertNull(outcome.alert());
            if (s == 59) {
                assertEquals(1.0, last.apps().get(0).biasFactor(), "60 windows learned, but not before this prediction");
                assertEquals(predicted, last.apps().get(0).meanMs(), 0.01);
            }
        }
        assertEquals(1.2, last.apps().get(0).biasFactor());
        assertEquals(1.2 * predicted, last.apps().get(0).meanMs(), 0.01);
        assertEquals(List.of("a"), List.copyOf(state.apps().keySet()));
    }

    @Test
    void theStateCarriesTheAlertTrackerFromReportToReport() {
        var specs = spec("a", "mobilenet_v2", 50);
        var first = assessment.assess(null, report("a", "mobilenet_v2", "pi-1/tpu0", 0, 10, 90), specs::get, NODE);
        assertNull(first.alert());
        assertEquals(1, first.state().apps().get("a").alert().observedOver());
        var second = assessment.assess(first.state(), report("a", "mobilenet_v2", "pi-1/tpu0", 1, 10, 90), specs::get, NODE);
        assertEquals(AlertRecord.VIOLATION, second.alert().kind());
        assertEquals(90.0, second.alert().observedMs());
        assertEquals(AlertHysteresis.State.VIOLATION, second.state().apps().get("a").alert().state());
        // Without an SLO there is nothing to alert on, and nothing is tracked.
        var none = assessment.assess(null, report("b", "mobilenet_v2", "pi-1/tpu0", 0, 10, 90), a -> null, null);
        assertNull(none.alert());
        assertEquals(AlertHysteresis.Tracker.INITIAL, none.state().apps().get("b").alert());
    }

    /**
     * An hour's window, through the state as the store keeps it (written and read back after each
     * report): one request a second whose latency is the second's number in ms, so that the window's
     * mean names the span it covers.
     */
    @Test
    void aLongWindowKeepsAtMostSixtyOneSlotsAndSlidesByTheMinute() {
        var specs = Map.of("a", new AppRecord(AppRecord.SCHEMA, "a", "mobilenet_v2", 1, 1e6, "mean", 3600, "pi-1",
                "pi-1/tpu0", null, T0));
        AcceleratorState state = null;
        PredictionRecord last = null;
        for (int s = 0; s < 4000; s++) {
            var outcome = assessment.assess(state, report("a", "mobilenet_v2", "pi-1/tpu0", s, 1, s), specs::get, NODE);
            byte[] stored = AcceleratorStateSerde.write(outcome.state());
            assertTrue(stored.length < 12_000, stored.length + " bytes of state at " + s + " s");
            state = AcceleratorStateSerde.read(stored);
            last = outcome.prediction();
            if (s == 119) {
                assertEquals(119 / 2.0, last.apps().get(0).observedMeanMs(), 1e-9, "two minutes in: all of them");
            }
        }
        PredictionRecord.AppPrediction a = last.apps().get(0);
        // The mean of seconds k … 3999 is (k + 3999) / 2: the window starts on a whole minute between
        // 3600 and 3540 s before the end (one 60 s slot less than the window, at most).
        double first = 2 * a.observedMeanMs() - 3999;
        assertEquals(Math.rint(first), first, 1e-6);
        assertTrue(first >= 400 && first <= 460, "window from " + first + " s");
        assertEquals(0, (long) first % 60, "slots start on the minute");
        // Judged from the report that completes the first hour (second 3599) on.
        assertEquals(401L, a.judgedSeconds());
        assertEquals(0L, a.violationSeconds());
        AcceleratorState.SloWindow window = state.apps().get("a").sloWindow();
        assertEquals(60, window.slotSec());
        assertTrue(window.slots().size() <= SloWindows.MAX_SLOTS + 1, window.slots().size() + " slots");
    }
}
