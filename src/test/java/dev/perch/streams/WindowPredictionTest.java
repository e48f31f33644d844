package dev.perch.streams;

import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.PredictionRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.perch.streams.TopologyFixture.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the topology predicts an accelerator: once per telemetry window, as soon as its reports are in. */
class WindowPredictionTest {
    private static final String TPU = "pi-1/tpu0";
    private TopologyFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        start(new TopologyFixture());
    }

    private void start(TopologyFixture fixture) {
        fx = fixture;
        fx.node("pi-1", 10, 20, TPU, "edgetpu");
        for (String app : List.of("a", "b", "c")) {
            fx.app(app, "mobilenet_v2", 100, "p95", "pi-1", TPU);
        }
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private List<PredictionRecord> predictions() {
        return fx.predictions.readValuesToList().stream().map(v -> Json.read(v, PredictionRecord.class)).toList();
    }

    private void window(int second, String... apps) {
        for (String app : apps) {
            fx.send(report(app, "mobilenet_v2", TPU, second, 5, 20));
        }
    }

    @Test
    void aWindowIsPredictedOnceOnTheReportThatCompletesIt() {
        window(0, "a", "b", "c");
        // Nothing was predicted before: the first report predicts its window, the others come late.
        assertEquals(List.of(List.of("a")), predictions().stream().map(PredictionRecord::reportedApps).toList());
        window(1, "a", "b");
        assertTrue(fx.predictions.isEmpty(), "window 1 waits for c, which reported window 0");
        window(1, "c");
        List<PredictionRecord> out = predictions();
        assertEquals(1, out.size());
        assertEquals(List.of("a", "b", "c"), out.get(0).reportedApps());
        assertEquals(TopologyFixture.T0 + 1000, out.get(0).windowStartMs());
        assertEquals(3, out.get(0).apps().size());
    }

    @Test
    void aLaterWindowClosesTheOpenOneAndAnAppThatStoppedIsNotWaitedForAgain() {
        windowTwoWaitingForC();
        assertTrue(fx.predictions.isEmpty());
        window(3, "a");
        List<PredictionRecord> out = predictions();
        assertEquals(1, out.size(), "window 3 closes window 2 without c");
        assertEquals(List.of("a", "b"), out.get(0).reportedApps());
        window(3, "b");
        assertEquals(List.of(List.of("a", "b")), predictions().stream().map(PredictionRecord::reportedApps).toList(),
                "c skipped window 2: window 3 is complete without it");
    }

    /** Window 1 reported by a, b and c and predicted; window 2 by a and b only, so it waits for c. */
    private void windowTwoWaitingForC() {
        window(0, "a");
        window(1, "a", "b", "c");
        predictions();
        window(2, "a", "b");
    }

    @Test
    void aWindowWhoseReportsStoppedIsPredictedByTheWallClockTimer() {
        windowTwoWaitingForC();
        fx.driver.advanceWallClockTime(Duration.ofMillis(100));
        assertTrue(fx.predictions.isEmpty(), "not yet idle");
        fx.driver.advanceWallClockTime(((IdleClose.AfterSilence) IdleClose.LIVE).silence());
        assertEquals(List.of(List.of("a", "b")), predictions().stream().map(PredictionRecord::reportedApps).toList());
    }

    @Test
    void onARecordingAWindowWaitsForItsReportsHoweverLongUntilTheRecordingIsIn() throws Exception {
        fx.close();
        IdleClose.AtEndOfInput replay = new IdleClose.AtEndOfInput();
        start(new TopologyFixture(TopologySettings.defaults(ScenarioReader.defaultCatalog()).withIdleClose(replay)));
        windowTwoWaitingForC();
        fx.driver.advanceWallClockTime(Duration.ofMinutes(10));
        assertTrue(fx.predictions.isEmpty(), "a pause of the pipeline's own is not a node gone silent");
        window(2, "c");
        assertEquals(List.of(List.of("a", "b", "c")), predictions().stream().map(PredictionRecord::reportedApps).toList(),
                "predicted whole, as if there had been no pause");

        window(3, "a", "b");
        replay.inputEnded();
        fx.driver.advanceWallClockTime(Duration.ofMillis(250));
        assertEquals(List.of(List.of("a", "b")), predictions().stream().map(PredictionRecord::reportedApps).toList(),
                "once the recording is in, the window its reports left open is predicted with what it has");
    }

    @Test
    void anAppMovedAwayByTheAppsTableIsNotWaitedFor() {
        window(0, "a");
        window(1, "a", "b", "c");
        predictions();
        fx.app("c", "mobilenet_v2", 100, "p95", "pi-2", "pi-2/tpu0");
        window(2, "a", "b");
        assertEquals(List.of(List.of("a", "b")), predictions().stream().map(PredictionRecord::reportedApps).toList());
    }

    @Test
    void reportsCountedIsEveryDistinctReportOnceWhateverIsResent() {
        int sent = 0;
        for (int s = 0; s < 5; s++) {
            for (String app : List.of("a", "b", "c")) {
                fx.send(report(app, "mobilenet_v2", TPU, s, 5, 20));
                sent++;
                if (s % 2 == 0) {
                    fx.send(report(app, "mobilenet_v2", TPU, s, 5, 20));
                }
            }
        }
        // A window re-sent out of order.
        fx.send(report("a", "mobilenet_v2", TPU, 1, 5, 20));
        assertEquals(sent, reportsCounted());
    }

    @Test
    void aStreamGoneLongerThanTheHorizonIsForgottenAndItsOldReportsStayDropped() {
        sendAt(report("a", "mobilenet_v2", TPU, 0, 5, 20));
        sendAt(report("b", "mobilenet_v2", TPU, 0, 5, 20));
        // a and b go on for 12 minutes of window (and stream) time; c reported once at the start.
        sendAt(report("c", "mobilenet_v2", TPU, 0, 5, 20));
        for (int s = 60; s <= 720; s += 60) {
            sendAt(report("a", "mobilenet_v2", TPU, s, 5, 20));
            sendAt(report("b", "mobilenet_v2", TPU, s, 5, 20));
        }
        var dedup = fx.driver.<String, byte[]>getKeyValueStore(Intake.DEDUP_STORE);
        List<String> keys = new java.util.ArrayList<>();
        dedup.all().forEachRemaining(kv -> keys.add(kv.key));
        assertTrue(keys.stream().noneMatch(k -> k.startsWith(Intake.STREAM + "c")), "c's marks are forgotten: " + keys);
        assertTrue(keys.stream().anyMatch(k -> k.startsWith(Intake.STREAM + "a")), keys.toString());
        long before = reportsCounted();
        sendAt(report("c", "mobilenet_v2", TPU, 0, 5, 20));
        assertEquals(before, reportsCounted(), "a re-sent report older than the horizon is still dropped");
        sendAt(report("c", "mobilenet_v2", TPU, 721, 5, 20));
        assertEquals(before + 1, reportsCounted(), "c coming back within the horizon is counted");
    }

    /** A report whose record timestamp is its window's end, so that stream time follows window time. */
    private void sendAt(dev.perch.telemetry.TelemetryReport report) {
        fx.telemetry.pipeInput(report.accelerator(), Json.writeBytes(report), report.windowEndMs());
    }

    private long reportsCounted() {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : fx.driver.metrics().entrySet()) {
            if (e.getKey().group().equals(Intake.METRIC_GROUP) && e.getKey().name().equals(Intake.COUNTED_METRIC)) {
                total += (Double) e.getValue().metricValue();
            }
        }
        return Math.round(total);
    }
}
