package dev.perch.streams;

import dev.perch.telemetry.Topics;
import org.junit.jupiter.api.Test;

import static dev.perch.streams.TopologyFixture.report;
import static dev.perch.telemetry.ContractTest.assertValid;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the topology writes validates against the schemas in {@code topology/schemas}. */
class OutputSchemaTest {
    @Test
    void predictionsAlertsAndDeadLettersValidate() throws Exception {
        try (TopologyFixture fx = new TopologyFixture()) {
            fx.node("pi-1", 10, 20, "pi-1/tpu0", "edgetpu");
            fx.app("a", "inception_v4", 300, "mean", "pi-1", "pi-1/tpu0");
            fx.app("b", "brand_new_model", 300, "p95", "pi-1", "pi-1/tpu0");
            for (int s = 0; s < 3; s++) {
                fx.send(report("a", "inception_v4", "pi-1/tpu0", s, 6, 150));
                fx.send(report("b", "brand_new_model", "pi-1/tpu0", s, 1, 150));
            }
            fx.send(report("a", "inception_v4", "pi-1/tpu0", 3, 9, 150)); // unstable
            // An app alone with its catalog model: every parameter and latency has its confidence after a few windows.
            fx.node("pi-2", 10, 20, "pi-2/tpu0", "edgetpu");
            fx.app("c", "mobilenet_v2", 300, "p95", "pi-2", "pi-2/tpu0");
            for (int s = 0; s < 5; s++) {
                fx.send(report("c", "mobilenet_v2", "pi-2/tpu0", s, 10 + s, 20));
            }
            fx.sendRaw("pi-1/tpu0", "{not json");
            fx.telemetry.pipeInput("pi-1/tpu0", new byte[]{(byte) 0xff, 0x01});

            assertFalse(fx.predictions.isEmpty());
            boolean confidence = false;
            for (String value : fx.predictions.readValuesToList()) {
                assertValid(Topics.PREDICTIONS, value);
                confidence |= value.contains("\"confidence\":{\"rate\":{\"stdErrPerSec\"")
                        && value.contains("\"latency\":{\"meanStdErrMs\"");
            }
            assertTrue(confidence, "some record carries a rate's and a mean's confidence, validated above");
            assertFalse(fx.alerts.isEmpty());
            for (String value : fx.alerts.readValuesToList()) {
                assertValid(Topics.ALERTS, value);
            }
            assertFalse(fx.dlq.isEmpty());
            for (String value : fx.dlq.readValuesToList()) {
                assertValid(Topics.DLQ, value);
            }
        }
    }

    @Test
    void theSimulatorsTelemetryValidates() throws Exception {
        var cluster = new dev.perch.sim.SimulatedCluster(dev.perch.model.profile.ScenarioReader.load("default"), 3,
                TopologyFixture.T0, 2000);
        cluster.apply(new dev.perch.cluster.PlanStep.Place("cam-1", "pi-1/tpu0"));
        cluster.apply(new dev.perch.cluster.PlanStep.Place("cam-5", "nano-1/gpu0"));
        int checked = 0;
        for (int s = 0; s < 3; s++) {
            for (var report : cluster.advanceWindow()) {
                assertValid(Topics.TELEMETRY, dev.perch.telemetry.Json.write(report));
                checked++;
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals(6, checked);
    }
}
