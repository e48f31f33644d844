package dev.perch.controller.history;

import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.Confidence;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.PredictionRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live view's bounded history: what a point holds, one a second, the bounds, and the events. */
class LiveHistoryTest {
    private static final long ALL_FROM = Long.MIN_VALUE;
    private static final long ALL_TO = Long.MAX_VALUE;
    /** One standard error per statistic, each unlike the others, so that a point shows which it took. */
    private static final Confidence INTERVALS = new Confidence(null, null, null, new Confidence.Latency(1.5, 3.0, 4.3));

    private static PredictionRecord.AppPrediction app(String app, double meanMs) {
        return PredictionRecord.AppPrediction.builder().app(app).model("mobilenet_v2").ratePerSec(5.0).meanMs(meanMs)
                .p95Ms(meanMs * 2).sloMs(100.0).sloStatistic("mean").build();
    }

    private static PredictionRecord window(String accelerator, long windowEndMs, double utilization, boolean stable,
                                           PredictionRecord.AppPrediction... apps) {
        return new PredictionRecord(PredictionRecord.SCHEMA, accelerator, "edgetpu", accelerator.split("/")[0],
                windowEndMs - 1000, windowEndMs, utilization, stable, null, List.of(apps));
    }

    private static List<Long> times(List<AppPoint> points) {
        return points.stream().map(AppPoint::atMs).toList();
    }

    @Test
    void aPointHoldsTheAppsOwnStatisticPredictedWithItsIntervalForecastAndObservedItsRateAndAccelerator() {
        LiveHistory history = new LiveHistory(100, 100, 100);
        var meanApp = PredictionRecord.AppPrediction.builder().app("m").ratePerSec(7.5).meanMs(40.0).p50Ms(35.0)
                .p95Ms(90.0).p99Ms(120.0).forecast(new PredictionRecord.Forecast(30, 9.0, 55.0, 50.0, 130.0, 170.0))
                .observedMeanMs(42.0).observedP95Ms(95.0).sloMs(100.0).sloStatistic("mean").confidence(INTERVALS).build();
        var p99App = PredictionRecord.AppPrediction.builder().app("n").ratePerSec(2.0).meanMs(20.0).p50Ms(18.0)
                .p95Ms(60.0).p99Ms(80.0).observedMeanMs(21.0).observedP95Ms(61.0).observedWindowMs(77.0)
                .sloMs(150.0).sloStatistic("p99").confidence(INTERVALS).build();
        var noStatistic = PredictionRecord.AppPrediction.builder().app("o").ratePerSec(1.0).meanMs(10.0).p95Ms(25.0)
                .observedP95Ms(26.0).build();
        history.record(window("pi-1/tpu0", 5000, 0.4, true, meanApp, p99App, noStatistic));

        assertEquals(List.of(new AppPoint(5000, 40.0, 37.06, 42.94, 55.0, 42.0, 7.5, "pi-1/tpu0")), history.appPoints("m", ALL_FROM, ALL_TO));
        assertEquals(List.of(new AppPoint(5000, 80.0, 71.572, 88.428, null, 77.0, 2.0, "pi-1/tpu0")), history.appPoints("n", ALL_FROM, ALL_TO),
                "a p99 SLO: the p99 predicted, with the p99's interval, and the window's observed p99; no forecast");
        assertEquals(List.of(new AppPoint(5000, 25.0, null, null, null, 26.0, 1.0, "pi-1/tpu0")), history.appPoints("o", ALL_FROM, ALL_TO),
                "no SLO stated: the default statistic, the p95; nothing known of its confidence");
    }

    @Test
    void atMostOnePointASecondTheLaterReplacingAndAnOlderOneDropped() {
        LiveHistory history = new LiveHistory(100, 100, 100);
        history.record(window("pi-1/tpu0", 1000, 0.1, true, app("a", 10)));
        history.record(window("pi-1/tpu0", 2000, 0.2, true, app("a", 20)));
        history.record(window("pi-2/tpu0", 2600, 0.3, false, app("a", 26)));
        history.record(window("pi-1/tpu0", 2400, 0.9, true, app("a", 24)));
        history.record(window("pi-1/tpu0", 1500, 0.9, true, app("a", 15)));
        history.record(window("pi-1/tpu0", 3000, 0.5, true, app("a", 30)));

        List<AppPoint> points = history.appPoints("a", ALL_FROM, ALL_TO);
        assertEquals(List.of(1000L, 2600L, 3000L), times(points));
        assertEquals(List.of(10.0, 26.0, 30.0), points.stream().map(AppPoint::predictedMs).toList());
        assertEquals("pi-2/tpu0", points.get(1).accelerator(), "the replacing point's accelerator");
        assertEquals(List.of(new AcceleratorPoint(1000, 0.1, true), new AcceleratorPoint(2400, 0.9, true),
                        new AcceleratorPoint(3000, 0.5, true)), history.acceleratorPoints("pi-1/tpu0", ALL_FROM, ALL_TO),
                "each accelerator keeps its own seconds; 1,500 ms came after 2,400 ms and is dropped");
        assertEquals(List.of(new AcceleratorPoint(2600, 0.3, false)), history.acceleratorPoints("pi-2/tpu0", ALL_FROM, ALL_TO));
        assertEquals(3, history.appPointCount());
    }

    @Test
    void eachAppKeepsItsLatestPointsUpToItsBound() {
        LiveHistory history = new LiveHistory(1000, 1000, 100, 5, 100);
        for (long second = 1; second <= 8; second++) {
            history.record(window("pi-1/tpu0", second * 1000, 0.1, true, app("a", second), app("b", second)));
        }
        assertEquals(List.of(4000L, 5000L, 6000L, 7000L, 8000L), times(history.appPoints("a", ALL_FROM, ALL_TO)));
        assertEquals(List.of(4000L, 5000L, 6000L, 7000L, 8000L), times(history.appPoints("b", ALL_FROM, ALL_TO)));
        assertEquals(5, history.acceleratorPoints("pi-1/tpu0", ALL_FROM, ALL_TO).size());
        assertEquals(10, history.appPointCount());
    }

    @Test
    void pastTheTotalTheOldestPointsWrittenGoFirstWhateverTheirApp() {
        LiveHistory history = new LiveHistory(5, 100, 100);
        history.record(window("x/tpu0", 1000, 0.1, true, app("a", 1)));
        history.record(window("x/tpu0", 2000, 0.1, true, app("a", 2)));
        history.record(window("y/tpu0", 1000, 0.1, true, app("b", 1)));
        history.record(window("x/tpu0", 3000, 0.1, true, app("a", 3)));
        history.record(window("y/tpu0", 2000, 0.1, true, app("b", 2)));
        history.record(window("y/tpu0", 3000, 0.1, true, app("b", 3)));
        history.record(window("z/tpu0", 1000, 0.1, true, app("c", 1)));

        assertEquals(List.of(3000L), times(history.appPoints("a", ALL_FROM, ALL_TO)));
        assertEquals(List.of(1000L, 2000L, 3000L), times(history.appPoints("b", ALL_FROM, ALL_TO)));
        assertEquals(List.of(1000L), times(history.appPoints("c", ALL_FROM, ALL_TO)));
        assertEquals(5, history.appPointCount());

        for (long second = 4; second <= 8; second++) {
            history.record(window("y/tpu0", second * 1000, 0.1, true, app("b", second)));
        }
        assertFalse(history.knowsApp("a"), "all of a's points are gone, and it had no events");
        assertEquals(List.of(4000L, 5000L, 6000L, 7000L, 8000L), times(history.appPoints("b", ALL_FROM, ALL_TO)));
        assertTrue(history.appPoints("a", ALL_FROM, ALL_TO).isEmpty());
    }

    @Test
    void aPointAnAppsOwnBoundDroppedStillTakesItsPlaceInTheTotalUntilTheRingComesRound() {
        LiveHistory history = new LiveHistory(4, 100, 100, 2, 100);
        for (long second = 1; second <= 3; second++) {
            history.record(window("x/tpu0", second * 1000, 0.1, true, app("a", second)));
        }
        history.record(window("y/tpu0", 1000, 0.1, true, app("b", 1)));
        history.record(window("y/tpu0", 2000, 0.1, true, app("b", 2)));
        assertEquals(List.of(2000L, 3000L), times(history.appPoints("a", ALL_FROM, ALL_TO)),
                "b's second point took the place of a's first, already dropped by a's own bound");
        assertEquals(List.of(1000L, 2000L), times(history.appPoints("b", ALL_FROM, ALL_TO)));
        history.record(window("z/tpu0", 1000, 0.1, true, app("c", 1)));
        assertEquals(List.of(3000L), times(history.appPoints("a", ALL_FROM, ALL_TO)));
        assertEquals(4, history.appPointCount());
    }

    @Test
    void manyPointsGrowTheArraysUpToTheBoundThenTheOldestGo() {
        LiveHistory history = new LiveHistory(3000, 100, 100);
        for (long second = 1; second <= 2500; second++) {
            history.record(window("x/tpu0", second * 1000, 0.1, true, app("a", second)));
        }
        assertEquals(LongStream.rangeClosed(1, 2500).mapToObj(s -> s * 1000).toList(),
                times(history.appPoints("a", ALL_FROM, ALL_TO)));
        for (long second = 2501; second <= 5000; second++) {
            history.record(window("x/tpu0", second * 1000, 0.1, true, app("a", second)));
        }
        List<AppPoint> points = history.appPoints("a", ALL_FROM, ALL_TO);
        assertEquals(LongStream.rangeClosed(2001, 5000).mapToObj(s -> s * 1000).toList(), times(points));
        assertEquals(2001.0, points.get(0).predictedMs());
        assertEquals(5000.0, points.get(2999).predictedMs());
    }

    @Test
    void aSpanKeepsThePointsAndEventsFromItsStartToItsEndInclusive() {
        LiveHistory history = new LiveHistory(100, 100, 100);
        for (long second = 1; second <= 6; second++) {
            history.record(window("x/tpu0", second * 1000, 0.1, true, app("a", second)));
        }
        history.alert(alert("impending", "a", 2000, "rising"));
        history.alert(alert("violation", "a", 5500, "over"));
        assertEquals(List.of(2000L, 3000L, 4000L), times(history.appPoints("a", 2000, 4000)));
        assertEquals(List.of(2000L), history.events("a", 2000, 4000).stream().map(HistoryEvent::atMs).toList());
        assertEquals(List.of(new AcceleratorPoint(5000, 0.1, true)), history.acceleratorPoints("x/tpu0", 4500, 5999));
    }

    private static AlertRecord alert(String kind, String app, long windowEndMs, String reason) {
        return new AlertRecord(AlertRecord.SCHEMA, app + "-" + windowEndMs, kind, app, "x/tpu0", "x", 100, "mean", 90.0,
                110.0, 12.0, 80.0, windowEndMs, reason);
    }

    private static DecisionRecord.Outcome outcome(String app, String accelerator) {
        return new DecisionRecord.Outcome(app, accelerator, 50.0, 90.0, 120.0, 100, "mean", true);
    }

    @Test
    void alertsAndDecisionsAreTheEventsOfTheAppsTheyTouchInTimeOrder() {
        LiveHistory history = new LiveHistory(100, 100, 100);
        history.decision(new DecisionRecord(DecisionRecord.SCHEMA, "d1", 9000, "cam-3", "move", "pi-2/tpu0", "pi-1/tpu0",
                "moved: every SLO holds", "alert", "patched", false,
                List.of(outcome("cam-3", "pi-2/tpu0"), outcome("cam-4", "pi-2/tpu0")),
                List.of(outcome("cam-3", "pi-1/tpu0"), outcome("cam-1", "pi-1/tpu0"))));
        history.alert(alert("impending", "cam-3", 7000, "predicted mean 103.7 ms within 17.3 s"));
        history.decision(new DecisionRecord(DecisionRecord.SCHEMA, "d2", 1000, "cam-3", "place", null, "pi-2/tpu0",
                "placed", "new", "created", false, null, null));

        assertEquals(List.of(new HistoryEvent(1000, "place", "nowhere → pi-2/tpu0 [created]: placed"),
                        new HistoryEvent(7000, "impending", "predicted mean 103.7 ms within 17.3 s"),
                        new HistoryEvent(9000, "move", "pi-2/tpu0 → pi-1/tpu0 [patched]: moved: every SLO holds")),
                history.events("cam-3", ALL_FROM, ALL_TO));
        HistoryEvent theirs = new HistoryEvent(9000, "neighbour", "cam-3 move pi-2/tpu0 → pi-1/tpu0 [patched]: moved: every SLO holds");
        assertEquals(List.of(theirs), history.events("cam-4", ALL_FROM, ALL_TO), "the app it shared an accelerator with");
        assertEquals(List.of(theirs), history.events("cam-1", ALL_FROM, ALL_TO), "the app on the accelerator it moved to");
        assertTrue(history.knowsApp("cam-4"), "known by its events alone");
        assertFalse(history.knowsApp("cam-9"));
    }

    @Test
    void eventsAreBoundedPerAppAndInTotalTheOldestGoingFirst() {
        LiveHistory history = new LiveHistory(100, 100, 5, 100, 3);
        for (long second = 1; second <= 4; second++) {
            history.alert(alert("impending", "a", second * 1000, "a" + second));
        }
        assertEquals(List.of("a2", "a3", "a4"), history.events("a", ALL_FROM, ALL_TO).stream().map(HistoryEvent::detail).toList());
        history.alert(alert("violation", "b", 5000, "b5"));
        history.alert(alert("violation", "b", 6000, "b6"));
        history.alert(alert("violation", "b", 7000, "b7"));
        // Seven written, five kept: a1 (already gone by a's bound) and a2 go.
        assertEquals(List.of("a3", "a4"), history.events("a", ALL_FROM, ALL_TO).stream().map(HistoryEvent::detail).toList());
        assertEquals(List.of("b5", "b6", "b7"), history.events("b", ALL_FROM, ALL_TO).stream().map(HistoryEvent::detail).toList());
    }

    @Test
    void anUnknownKeyHasNothing() {
        LiveHistory history = new LiveHistory(10, 10, 10);
        assertTrue(history.appPoints("nobody", ALL_FROM, ALL_TO).isEmpty());
        assertTrue(history.events("nobody", ALL_FROM, ALL_TO).isEmpty());
        assertTrue(history.acceleratorPoints("x/y", ALL_FROM, ALL_TO).isEmpty());
        assertFalse(history.knowsAccelerator("x/y"));
        assertNull(history.appPoints("nobody", 0, 0).stream().findFirst().orElse(null));
    }
}
