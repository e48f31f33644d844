package dev.perch.api;

import dev.perch.cluster.PlanStep;
import dev.perch.controller.LiveRates;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimulatedCluster;
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
