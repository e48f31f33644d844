package dev.perch.runtime;

import dev.perch.controller.ControllerOutputs;
import dev.perch.controller.LiveRates;
import dev.perch.controller.Reconciler;
import dev.perch.controller.RecordingOutputs;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.PredictionRecord;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operators' gauges: what a prediction window and the cluster view turn into. */
class SloMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SloMetrics metrics = new SloMetrics(registry);

    private static PredictionRecord window(String accelerator, double utilization, Double meanMs, Double p95Ms, Boolean sloMet) {
        var app = new PredictionRecord.AppPrediction("cam-1", "mobilenet_v2", 5.0, 0.0, 4.9, 10.4, 0.2, "learned", 1.0,
                meanMs, 40.0, p95Ms, 120.0, null, 55.0, 95.0, 60.0, 100.0, "mean", sloMet);
        return new PredictionRecord(PredictionRecord.SCHEMA, accelerator, "edgetpu", accelerator.substring(0, accelerator.indexOf('/')),
                0, 1000, utilization, meanMs != null, null, List.of(app));
    }

    private double gauge(String name, String... tags) {
        Gauge gauge = registry.find(name).tags(tags).gauge();
        assertTrue(gauge != null, name + " " + String.join(",", tags) + " is not registered");
        return gauge.value();
    }

    @Test
    void aPredictionWindowSetsTheAppsAndTheAcceleratorsGauges() {
        metrics.record(window("pi-1/tpu0", 0.42, 50.0, 90.0, true));

        assertEquals(50.0, gauge(SloMetrics.PREDICTED_LATENCY, "app", "cam-1", "statistic", "mean"));
        assertEquals(90.0, gauge(SloMetrics.PREDICTED_LATENCY, "app", "cam-1", "statistic", "p95"));
        assertEquals(120.0, gauge(SloMetrics.PREDICTED_LATENCY, "app", "cam-1", "statistic", "p99"));
        assertEquals(55.0, gauge(SloMetrics.OBSERVED_LATENCY, "app", "cam-1", "statistic", "mean"));
        assertEquals(95.0, gauge(SloMetrics.OBSERVED_LATENCY, "app", "cam-1", "statistic", "p95"));
        assertEquals(100.0, gauge(SloMetrics.SLO, "app", "cam-1", "statistic", "mean"));
        assertEquals(1.0, gauge(SloMetrics.SLO_MET, "app", "cam-1"));
        assertEquals(5.0, gauge(SloMetrics.RATE, "app", "cam-1"));
        assertEquals(0.42, gauge(SloMetrics.UTILIZATION, "accelerator", "pi-1/tpu0", "type", "edgetpu", "node", "pi-1"));
        assertEquals(1.0, gauge(SloMetrics.PLACEMENT, "app", "cam-1", "accelerator", "pi-1/tpu0", "node", "pi-1"));

        // The next window: over the SLO, and unstable (no latency): a gap, not the last number.
        metrics.record(window("pi-1/tpu0", 1.1, null, null, false));
        assertEquals(0.0, gauge(SloMetrics.SLO_MET, "app", "cam-1"));
        assertTrue(Double.isNaN(gauge(SloMetrics.PREDICTED_LATENCY, "app", "cam-1", "statistic", "mean")));
        assertEquals(1.1, gauge(SloMetrics.UTILIZATION, "accelerator", "pi-1/tpu0", "type", "edgetpu", "node", "pi-1"));
    }

    private static PredictionRecord judged(String statistic, int windowSec, Double observedWindowMs, Long judged, Long over) {
        var app = PredictionRecord.AppPrediction.builder().app("cam-1").model("mobilenet_v2").ratePerSec(5)
                .meanMs(50.0).p95Ms(90.0).observedMeanMs(55.0).observedP95Ms(95.0).sloMs(100.0).sloStatistic(statistic)
                .sloMet(true).sloWindowSec(windowSec).observedWindowMs(observedWindowMs).judgedSeconds(judged)
                .violationSeconds(over).build();
        return new PredictionRecord(PredictionRecord.SCHEMA, "pi-1/tpu0", "edgetpu", "pi-1", 0, 1000, 0.4, true, null,
                List.of(app));
    }

    @Test
    void windowComplianceIsOneLessTheShareOfJudgedSecondsOverTheSlo() {
        metrics.record(judged("mean", 60, 55.0, 0L, 0L));
        assertEquals(0.0, gauge(SloMetrics.JUDGED_SECONDS, "app", "cam-1"));
        assertTrue(Double.isNaN(gauge(SloMetrics.WINDOW_COMPLIANCE, "app", "cam-1")), "nothing judged yet: a gap");
        metrics.record(judged("mean", 60, 55.0, 400L, 3L));
        assertEquals(400.0, gauge(SloMetrics.JUDGED_SECONDS, "app", "cam-1"));
        assertEquals(3.0, gauge(SloMetrics.VIOLATION_SECONDS, "app", "cam-1"));
        assertEquals(1 - 3 / 400.0, gauge(SloMetrics.WINDOW_COMPLIANCE, "app", "cam-1"), 1e-12);
    }

    @Test
    void theSloCarriesItsWindowAndAp99SloItsObservedP99() {
        metrics.record(judged("p99", 60, 180.0, 10L, 0L));
        assertEquals(100.0, gauge(SloMetrics.SLO, "app", "cam-1", "statistic", "p99", "window_sec", "60"));
        assertEquals(180.0, gauge(SloMetrics.OBSERVED_LATENCY, "app", "cam-1", "statistic", "p99"));
        // The owner states a longer window: one SLO series, with the new window.
        metrics.record(judged("p99", 600, 170.0, 0L, 0L));
        assertEquals(1, registry.find(SloMetrics.SLO).tags("app", "cam-1").gauges().size());
        assertEquals(100.0, gauge(SloMetrics.SLO, "app", "cam-1", "statistic", "p99", "window_sec", "600"));
    }

    /** A counter series that first appears at 1 shows no rise to rate() or increase(): they start at zero. */
    @Test
    void theDecisionAndAlertCountersExistAtZeroBeforeTheFirstOne() {
        for (String result : List.of("created", "patched", "unchanged", "failed", "none")) {
            assertEquals(0.0, registry.get(SloMetrics.DECISIONS).tags("action", "move", "result", result).counter().count());
            assertEquals(0.0, registry.get(SloMetrics.DECISIONS).tags("action", "place", "result", result).counter().count());
        }
        assertEquals(0.0, registry.get(SloMetrics.DECISIONS).tags("action", "none", "result", "none").counter().count());
        for (String kind : List.of("impending", "violation", "resolved")) {
            assertEquals(0.0, registry.get(SloMetrics.ALERTS).tags("kind", kind).counter().count());
        }
    }

    @Test
    void anAppThatMovedHasOnlyItsNewPlacementSeries() {
        metrics.record(window("pi-1/tpu0", 0.42, 50.0, 90.0, true));
        metrics.record(window("pi-2/tpu0", 0.30, 45.0, 80.0, true));

        assertEquals(1, registry.find(SloMetrics.PLACEMENT).tags("app", "cam-1").gauges().size());
        assertEquals(1.0, gauge(SloMetrics.PLACEMENT, "app", "cam-1", "accelerator", "pi-2/tpu0", "node", "pi-2"));
    }

    @Test
    void theSeriesOfAnAppThatIsGoneAreDropped() {
        metrics.record(window("pi-1/tpu0", 0.42, 50.0, 90.0, true));
        metrics.retainOnly(java.util.Set.of("cam-1"));
        assertEquals(1.0, gauge(SloMetrics.SLO_MET, "app", "cam-1"));

        metrics.retainOnly(java.util.Set.of("cam-2"));
        assertTrue(registry.find(SloMetrics.SLO_MET).gauges().isEmpty());
        assertTrue(registry.find(SloMetrics.PREDICTED_LATENCY).gauges().isEmpty());
        assertTrue(registry.find(SloMetrics.PLACEMENT).gauges().isEmpty());
        assertEquals(0.42, gauge(SloMetrics.UTILIZATION, "accelerator", "pi-1/tpu0", "type", "edgetpu", "node", "pi-1"),
                "an accelerator's series stays");
        metrics.record(window("pi-1/tpu0", 0.42, 50.0, 90.0, true));
        assertEquals(1.0, gauge(SloMetrics.PLACEMENT, "app", "cam-1", "accelerator", "pi-1/tpu0", "node", "pi-1"),
                "an app that comes back is shown again");
        assertEquals(1.0, gauge(SloMetrics.SLO_MET, "app", "cam-1"), "with every series, not only those it had to replace");
    }

    @Test
    void theClusterGaugesFollowTheClusterAndTheLeadership() {
        Scenario scenario = ScenarioReader.load("default");
        SimulatedCluster cluster = new SimulatedCluster(scenario, 1, 0, 2000);
        ControllerOutputs none = new RecordingOutputs(null, null, null);
        Reconciler reconciler = Reconciler.builder(cluster, cluster, new SimClock(cluster::nowEpochMs))
                .catalog(scenario.catalog()).rates(new LiveRates()).outputs(none).build();
        metrics.watch(cluster, reconciler);

        assertEquals(8.0, gauge(SloMetrics.APPS));
        assertEquals(8.0, gauge(SloMetrics.APPS_UNPLACED));
        reconciler.pass();
        assertEquals(0.0, gauge(SloMetrics.APPS_UNPLACED));
        assertEquals(0.0, gauge(SloMetrics.MIGRATIONS_IN_FLIGHT));
        String from = cluster.snapshot().app("cam-1").orElseThrow().accelerator().orElseThrow();
        String to = from.equals("pi-1/tpu0") ? "pi-2/tpu0" : "pi-1/tpu0";
        cluster.apply(new dev.perch.cluster.PlanStep.Move("cam-1", from, to));
        assertEquals(1.0, gauge(SloMetrics.MIGRATIONS_IN_FLIGHT));
        assertEquals(0.0, gauge(SloMetrics.ACCELERATORS_HELD), "no move failed (KubernetesClusterTest has one that did)");
        assertEquals(1.0, gauge(SloMetrics.LEADER));
        reconciler.setActive(false);
        assertEquals(0.0, gauge(SloMetrics.LEADER));
    }
}
