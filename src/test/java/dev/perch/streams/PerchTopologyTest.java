package dev.perch.streams;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.PredictionRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.perch.streams.TopologyFixture.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerchTopologyTest {
    private TopologyFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new TopologyFixture();
        fx.node("pi-1", 10, 20, "pi-1/tpu0", "edgetpu");
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void predictsThePapersMeanLatencyForEveryAppOnTheAccelerator() {
        fx.app("a", "inception_v4", 600, "mean", "pi-1", "pi-1/tpu0");
        fx.app("b", "mobilenet_v2", 1000, "mean", "pi-1", "pi-1/tpu0");
        // 10 s of steady reports: a at 2 req/s, b at 16 req/s.
        for (int s = 0; s < 10; s++) {
            fx.send(report("a", "inception_v4", "pi-1/tpu0", s, 2, 200));
            fx.send(report("b", "mobilenet_v2", "pi-1/tpu0", s, 16, 60));
        }
        List<PredictionRecord> out = fx.predictions.readValuesToList().stream()
                .map(v -> Json.read(v, PredictionRecord.class)).toList();
        assertEquals(20, out.size(), "one prediction per admitted report");
        PredictionRecord last = out.get(out.size() - 1);
        assertEquals("pi-1/tpu0", last.accelerator());
        assertTrue(last.stable());

        // Independent arithmetic of the Ibis mean model (FCFS, swap probability 1 − λ_i/λ, P-K wait),
        // plus the front end as M/G/1 with CV 0.2 and 10 ms of network.
        double la = 2 / 1000.0, lb = 16 / 1000.0, l = la + lb;
        double sa = 125.13, oa = 19.43, sb = 4.91, ob = 10.43;
        double pa = 1 - la / l, pb = 1 - lb / l;
        double rho = la * (sa + pa * oa) + lb * (sb + pb * ob);
        double second = la * (pa * Math.pow(sa + oa, 2) + (1 - pa) * sa * sa) + lb * (pb * Math.pow(sb + ob, 2) + (1 - pb) * sb * sb);
        double wait = second / (2 * (1 - rho));
        double frontA = la * 400 * 1.04 / (2 * (1 - la * 20)) + 20;
        double expectedA = 10 + frontA + wait + sa + pa * oa;
        PredictionRecord.AppPrediction a = last.apps().stream().filter(p -> p.app().equals("a")).findFirst().orElseThrow();
        assertEquals(2.0, a.ratePerSec(), 1e-9);
        assertEquals(expectedA, a.meanMs(), 0.01);
        assertEquals(125.13, a.serviceMs());
        assertEquals("catalog", a.parameterSource());
        assertEquals(200.0, a.observedMeanMs(), 1e-9);
        assertEquals(rho, last.utilization(), 0.001);
    }

    @Test
    void aRepeatedReportIsCountedOnce() {
        fx.app("a", "mobilenet_v2", 1000, "mean", "pi-1", "pi-1/tpu0");
        fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 0, 10, 20));
        fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 1, 10, 20));
        fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 1, 10, 20)); // producer retry
        fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 0, 10, 20)); // replay of an old window
        List<String> out = fx.predictions.readValuesToList();
        assertEquals(2, out.size(), "re-sent reports produce no output");
        PredictionRecord last = Json.read(out.get(1), PredictionRecord.class);
        // 20 requests over a 2 s span: counted once, the rate is 10 req/s, not 15 or 20.
        assertEquals(10.0, last.apps().get(0).ratePerSec(), 1e-9);
        assertTrue(fx.dlq.isEmpty());
    }

    @Test
    void observedViolationRaisesOneAlertAfterTwoWindowsAndResolvesAfterThree() {
        fx.app("a", "mobilenet_v2", 50, "mean", "pi-1", "pi-1/tpu0");
        fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 0, 10, 20));
        fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 1, 10, 90)); // mean over both: 55 > 50
        assertTrue(fx.alerts.isEmpty(), "one window over the SLO is noise");
        fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 2, 10, 90));
        fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 3, 10, 90));
        List<String> raised = fx.alerts.readValuesToList();
        assertEquals(1, raised.size(), "no repeat while the state holds");
        JsonNode alert = Json.read(raised.get(0), JsonNode.class);
        assertEquals("violation", alert.get("kind").asText());
        assertEquals("a", alert.get("app").asText());
        assertEquals("pi-1/tpu0", alert.get("accelerator").asText());
        assertEquals(TopologyFixture.T0 + 3000, alert.get("windowEndMs").asLong());
        assertEquals((20 + 90 + 90) / 3.0, alert.get("observedMs").asDouble(), 0.001);

        // Recovery needs the 10 s history to forget the slow windows, then three fine windows.
        for (int s = 4; s < 20; s++) {
            fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", s, 10, 20));
        }
        List<String> later = fx.alerts.readValuesToList();
        assertEquals(1, later.size());
        assertEquals("resolved", Json.read(later.get(0), JsonNode.class).get("kind").asText());
    }

    @Test
    void predictedOverloadRaisesAnImpendingAlertBeforeObservedLatencyBreaks() {
        fx.app("a", "inception_v4", 300, "mean", "pi-1", "pi-1/tpu0");
        // 6 req/s of Inception-V4 (125 ms each) is 75 % of the device: the models predict a mean far
        // over 300 ms while the observed latency is still low.
        for (int s = 0; s < 3; s++) {
            fx.send(report("a", "inception_v4", "pi-1/tpu0", s, 6, 150));
        }
        List<String> raised = fx.alerts.readValuesToList();
        assertEquals(1, raised.size());
        JsonNode alert = Json.read(raised.get(0), JsonNode.class);
        assertEquals("impending", alert.get("kind").asText());
        assertTrue(alert.get("predictedMs").asDouble() > 300);
        assertEquals(150.0, alert.get("observedMs").asDouble(), 1e-9);
    }

    @Test
    void anUnstableAcceleratorIsReportedAsSuchNeverAsANumber() {
        fx.app("a", "inception_v4", 300, "mean", "pi-1", "pi-1/tpu0");
        fx.send(report("a", "inception_v4", "pi-1/tpu0", 0, 9, 150)); // 9 × 125 ms > 1 s of work per second
        PredictionRecord prediction = Json.read(fx.predictions.readValue(), PredictionRecord.class);
        assertFalse(prediction.stable());
        assertNull(prediction.apps().get(0).meanMs());
        assertTrue(prediction.reason().contains("utilization"), prediction.reason());
    }

    @Test
    void anAppThatMovedAwayIsDroppedFromItsOldAccelerator() {
        fx.node("pi-2", 10, 20, "pi-2/tpu0", "edgetpu");
        fx.app("a", "mobilenet_v2", 1000, "mean", "pi-1", "pi-1/tpu0");
        fx.app("b", "mobilenet_v2", 1000, "mean", "pi-1", "pi-1/tpu0");
        fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 0, 10, 20));
        fx.send(report("b", "mobilenet_v2", "pi-1/tpu0", 0, 10, 20));
        fx.app("b", "mobilenet_v2", 1000, "mean", "pi-2", "pi-2/tpu0");
        fx.predictions.readValuesToList();
        fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 1, 10, 20));
        PredictionRecord prediction = Json.read(fx.predictions.readValue(), PredictionRecord.class);
        assertEquals(List.of("a"), prediction.apps().stream().map(PredictionRecord.AppPrediction::app).toList());
    }
}
