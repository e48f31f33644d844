package dev.perch.streams;

import dev.perch.telemetry.Json;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.Topics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.perch.streams.TopologyFixture.report;
import static dev.perch.telemetry.ContractTest.assertValid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An app's resident memory goes through the topology: kept from its latest report that carried one,
 * published in its entry of every prediction record of its accelerator, absent while none has.
 */
class ReportedMemoryTest {
    @Test
    void theLatestReportedMemoryIsInEveryPredictionOfTheApp() throws Exception {
        List<Double> aMemory = new ArrayList<>();
        List<Double> bMemory = new ArrayList<>();
        try (TopologyFixture fx = new TopologyFixture()) {
            fx.node("pi-1", 10, 20, "pi-1/tpu0", "edgetpu");
            fx.app("a", "mobilenet_v2", 300, "mean", "pi-1", "pi-1/tpu0");
            fx.app("b", "inception_v4", 300, "mean", "pi-1", "pi-1/tpu0");
            // a: none, then 96.5, then two reports without it (the producer could not see it), then 120.
            Double[] reported = {null, 96.5, null, null, 120.0};
            for (int s = 0; s < reported.length; s++) {
                fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", s, 5, 40).withMemoryMb(reported[s]));
                fx.send(report("b", "inception_v4", "pi-1/tpu0", s, 2, 150));
            }
            for (String value : fx.predictions.readValuesToList()) {
                assertValid(Topics.PREDICTIONS, value);
                PredictionRecord record = Json.read(value, PredictionRecord.class);
                for (PredictionRecord.AppPrediction app : record.apps()) {
                    (app.app().equals("a") ? aMemory : bMemory).add(app.memoryMb());
                }
            }
            assertEquals(120.0, fx.state("pi-1/tpu0").apps().get("a").memoryMb(), "kept in the accelerator's state");
        }
        assertEquals(java.util.Arrays.asList(null, 96.5, 96.5, 96.5, 120.0), aMemory, "one record a window");
        // b's first report comes after a's completed the first window: b is in the four records after it.
        assertEquals(java.util.Arrays.asList(null, null, null, null), bMemory, "b never reported one");
    }

    /** A report of an earlier window arriving late does not overwrite the memory a newer one gave. */
    @Test
    void aLateReportDoesNotOverwriteANewerFigure() throws Exception {
        try (TopologyFixture fx = new TopologyFixture()) {
            fx.node("pi-1", 10, 20, "pi-1/tpu0", "edgetpu");
            fx.app("a", "mobilenet_v2", 300, "mean", "pi-1", "pi-1/tpu0");
            fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 0, 5, 40).withMemoryMb(90.0));
            fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 2, 5, 40).withMemoryMb(110.0));
            fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 1, 5, 40).withMemoryMb(100.0));
            assertEquals(110.0, fx.state("pi-1/tpu0").apps().get("a").memoryMb());
            fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 3, 5, 40));
            List<String> values = fx.predictions.readValuesToList();
            PredictionRecord last = Json.read(values.get(values.size() - 1), PredictionRecord.class);
            assertEquals(110.0, last.apps().get(0).memoryMb());
        }
    }

    @Test
    void anAppNeverReportingItsMemoryHasNoneInTheRecord() throws Exception {
        try (TopologyFixture fx = new TopologyFixture()) {
            fx.node("pi-1", 10, 20, "pi-1/tpu0", "edgetpu");
            fx.send(report("a", "mobilenet_v2", "pi-1/tpu0", 0, 5, 40));
            String value = fx.predictions.readValue();
            assertTrue(!value.contains("memoryMb"), value);
            assertNull(Json.read(value, PredictionRecord.class).apps().get(0).memoryMb());
        }
    }
}
