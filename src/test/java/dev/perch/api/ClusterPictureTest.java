package dev.perch.api;

import dev.perch.cluster.PlanStep;
import dev.perch.controller.LiveRates;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.Confidence;
import dev.perch.telemetry.PredictionRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live view's picture: the cluster as it is, with the topology's latest numbers where there are some. */
class ClusterPictureTest {
    @Test
    void thePictureShowsWhereAppsRunWhatIsMovingAndTheLatestPredictions() {
        SimulatedCluster cluster = new SimulatedCluster(ScenarioReader.parse("""
                nodes:
                  - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
                  - {node: pi-2, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
                apps:
                  - {app: a, model: mobilenet_v2, ratePerSec: 5, sloMs: 100, sloStatistic: mean, runningOn: pi-1/tpu0}
                  - {app: b, model: efficientnet-S, ratePerSec: 4, sloMs: 150, sloStatistic: p95, sloWindowSec: 3600, runningOn: pi-1/tpu0}
                  - {app: c, model: mobilenet_v1, ratePerSec: 3, sloMs: 100, sloStatistic: mean, sloWindowSec: 5}
                """, "picture"), 1, 0, 2000);
        LiveRates rates = new LiveRates();
        var a = new PredictionRecord.AppPrediction("a", "mobilenet_v2", 5.5, 0.0, 4.9, 10.4, 0.2, "learned", 1.0,
                42.0, 38.0, 80.0, 110.0, null, 45.0, 85.0, 44.0, 100.0, "mean", true);
        var b = new PredictionRecord.AppPrediction("b", "efficientnet-S", 4.2, 0.0, 9.8, 17.3, 0.1, "learned", 1.0,
                60.0, 50.0, 160.0, 200.0, null, 58.0, 170.0, 59.0, 150.0, "p95", false);
        rates.update(new PredictionRecord(PredictionRecord.SCHEMA, "pi-1/tpu0", "edgetpu", "pi-1", 0, 1000, 0.31, true, null,
                List.of(a, b)));
        cluster.apply(new PlanStep.Move("b", "pi-1/tpu0", "pi-2/tpu0"));

        ClusterPicture picture = ClusterPicture.of(cluster.snapshot(), rates, true,
                Map.of("pi-2/tpu0", "a move of x from pi-1/tpu0 to it failed 10 s ago (rolled back)"),
                Map.of("c", "turned away: it can run only on Edge TPUs …", "a", "a stale reason for an app that now runs"), 1234);

        assertEquals(1234, picture.atMs());
        assertTrue(picture.leading());
        assertEquals(List.of("pi-1", "pi-2"), picture.nodes().stream().map(ClusterPicture.NodeView::node).toList());
        ClusterPicture.AcceleratorView first = picture.nodes().get(0).accelerators().get(0);
        assertEquals("pi-1/tpu0", first.id());
        assertEquals(0.31, first.utilization());
        assertEquals(List.of("a", "b"), first.apps(), "b's traffic stays here until the switch");
        ClusterPicture.AcceleratorView second = picture.nodes().get(1).accelerators().get(0);
        assertEquals(List.of(), second.apps());
        assertEquals(List.of("b"), second.arriving());
        assertNull(second.utilization(), "nothing predicted there yet");
        assertNull(first.held());
        assertEquals("a move of x from pi-1/tpu0 to it failed 10 s ago (rolled back)", second.held());

        ClusterPicture.AppView appA = picture.apps().get(0);
        assertEquals(List.of("a", "pi-1/tpu0", "mean"), List.of(appA.app(), appA.accelerator(), appA.sloStatistic()));
        assertEquals(60, appA.sloWindowSec(), "no window stated: the default");
        assertEquals(42.0, appA.predictedMs(), "the predicted value of its SLO statistic, the mean");
        assertEquals(45.0, appA.observedMs());
        assertEquals(5.5, appA.ratePerSec());
        assertEquals(true, appA.sloMet());
        ClusterPicture.AppView appB = picture.apps().get(1);
        assertEquals(160.0, appB.predictedMs(), "b's SLO is on the p95");
        assertEquals(170.0, appB.observedMs());
        assertEquals(false, appB.sloMet());
        assertEquals(List.of("p95", 150.0, 3600), List.of(appB.sloStatistic(), appB.sloMs(), appB.sloWindowSec()), "b's SLO whole");
        assertEquals("pi-2/tpu0", appB.migratingTo());
        ClusterPicture.AppView appC = picture.apps().get(2);
        assertNull(appC.accelerator(), "c runs nowhere yet");
        assertEquals("turned away: it can run only on Edge TPUs …", appC.unplaced());
        assertNull(appA.unplaced(), "an app that runs somewhere shows no reason for running nowhere");
        assertNull(appC.ratePerSec());
        assertEquals(3.0, appC.declaredRatePerSec());
        assertNull(appC.sloMet());
        assertEquals(5, appC.sloWindowSec(), "an app that runs nowhere shows its SLO's window too");
    }

    /**
     * Each app's entry carries the learned rate's standard error and the 95 % interval of its own SLO
     * statistic's prediction, as the app's latest prediction record states them; none for a p50 SLO
     * (the record carries no p50 interval), and none before anything is known.
     */
    @Test
    void theAppEntriesCarryTheRatesStandardErrorAndTheIntervalOfTheirOwnStatistic() {
        SimulatedCluster cluster = new SimulatedCluster(ScenarioReader.parse("""
                nodes:
                  - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
                apps:
                  - {app: m, model: mobilenet_v2, ratePerSec: 5, sloMs: 100, sloStatistic: mean, runningOn: pi-1/tpu0}
                  - {app: p, model: mobilenet_v1, ratePerSec: 4, sloMs: 150, sloStatistic: p99, runningOn: pi-1/tpu0}
                  - {app: h, model: mobilenet_v1, ratePerSec: 3, sloMs: 150, sloStatistic: p50, runningOn: pi-1/tpu0}
                  - {app: u, model: mobilenet_v1, ratePerSec: 2, sloMs: 150, sloStatistic: mean, runningOn: pi-1/tpu0}
                """, "confidence"), 1, 0, 2000);
        Confidence sure = new Confidence(new Confidence.Rate(0.12, null, 1500, 300), null, null,
                new Confidence.Latency(1.9, 4.0, 6.0));
        var m = PredictionRecord.AppPrediction.builder().app("m").ratePerSec(5.5).meanMs(42.0).p50Ms(38.0).p95Ms(90.0)
                .p99Ms(120.0).sloMs(100.0).sloStatistic("mean").sloMet(true).confidence(sure).build();
        var p = PredictionRecord.AppPrediction.builder().app("p").ratePerSec(4.1).meanMs(42.0).p50Ms(38.0).p95Ms(90.0)
                .p99Ms(120.0).sloMs(150.0).sloStatistic("p99").sloMet(true).confidence(sure).build();
        var h = PredictionRecord.AppPrediction.builder().app("h").ratePerSec(3.2).meanMs(42.0).p50Ms(38.0).p95Ms(90.0)
                .p99Ms(120.0).sloMs(150.0).sloStatistic("p50").sloMet(true).confidence(sure).build();
        var u = PredictionRecord.AppPrediction.builder().app("u").ratePerSec(2.0).meanMs(42.0).p95Ms(90.0)
                .sloMs(150.0).sloStatistic("mean").sloMet(true).build();
        LiveRates rates = new LiveRates();
        rates.update(new PredictionRecord(PredictionRecord.SCHEMA, "pi-1/tpu0", "edgetpu", "pi-1", 0, 1000, 0.4, true, null,
                List.of(m, p, h, u)));

        Map<String, ClusterPicture.AppView> apps = ClusterPicture.of(cluster.snapshot(), rates, true, Map.of(), Map.of(), 0)
                .apps().stream().collect(java.util.stream.Collectors.toMap(ClusterPicture.AppView::app, a -> a));

        ClusterPicture.AppView mean = apps.get("m");
        assertEquals(0.12, mean.ratePerSecStdErr());
        // ± 1.96 standard errors: 42 ± 3.724, 120 ± 11.760.
        assertEquals(List.of(38.276, 42.0, 45.724), List.of(mean.predictedLow95Ms(), mean.predictedMs(), mean.predictedHigh95Ms()),
                "a mean SLO: the mean's interval");
        ClusterPicture.AppView p99 = apps.get("p");
        assertEquals(List.of(108.24, 120.0, 131.76), List.of(p99.predictedLow95Ms(), p99.predictedMs(), p99.predictedHigh95Ms()),
                "a p99 SLO: the p99's interval");
        ClusterPicture.AppView p50 = apps.get("h");
        assertEquals(38.0, p50.predictedMs());
        assertNull(p50.predictedLow95Ms(), "no p50 interval: not another statistic's in its place");
        assertNull(p50.predictedHigh95Ms());
        assertEquals(0.12, p50.ratePerSecStdErr(), "the rate's error whatever the statistic");
        ClusterPicture.AppView unknown = apps.get("u");
        assertEquals(42.0, unknown.predictedMs());
        assertNull(unknown.ratePerSecStdErr(), "a record without confidence");
        assertNull(unknown.predictedLow95Ms());

        com.fasterxml.jackson.databind.JsonNode json = dev.perch.telemetry.Json.MAPPER.valueToTree(mean);
        assertEquals(0.12, json.get("ratePerSecStdErr").asDouble());
        assertEquals(38.276, json.get("predictedLow95Ms").asDouble());
        assertEquals(45.724, json.get("predictedHigh95Ms").asDouble());
    }

    /** The API's app entries carry the window by name, as a whole number of seconds, next to the bound and the statistic. */
    @Test
    void theAppEntriesOfTheApiNameTheWindow() {
        SimulatedCluster cluster = new SimulatedCluster(ScenarioReader.parse("""
                nodes:
                  - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
                apps:
                  - {app: a, model: mobilenet_v2, ratePerSec: 5, sloMs: 600, sloStatistic: mean, sloWindowSec: 30}
                """, "window"), 1, 0, 2000);
        ClusterPicture picture = ClusterPicture.of(cluster.snapshot(), new LiveRates(), true, Map.of(), Map.of(), 0);
        com.fasterxml.jackson.databind.JsonNode app = dev.perch.telemetry.Json.MAPPER.valueToTree(picture).get("apps").get(0);
        assertEquals(30, app.get("sloWindowSec").asInt());
        assertTrue(app.get("sloWindowSec").isInt(), app.toString());
        assertEquals("mean", app.get("sloStatistic").asText());
        assertEquals(600.0, app.get("sloMs").asDouble());
    }
}
