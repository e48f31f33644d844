package dev.perch.sim;

import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.ContractTest;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.TelemetryParser;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator's reports carry the app's resident memory as its scenario states it for the model
 * on the accelerator type each window ran on, profiled or not, and follow a move from one type to another.
 */
class SimulatedMemoryTest {
    private static final long EPOCH = 1_764_201_600_000L;

    private static final Scenario SCENARIO = ScenarioReader.parse("""
            name: memory
            networkMs: 0
            nodes:
              - {node: n1, memoryMb: 4096, acceleratorTypes: [edgetpu, gpu], frontendServiceMs: 0}
            models:
              small: {edgetpu: {serviceMs: 5, swapMs: 12, memoryMb: 96.5}, gpu: {serviceMs: 20, memoryMb: 512}}
              fresh: {profiled: false, edgetpu: {serviceMs: 8, swapMs: 10, memoryMb: 140}}
              bare: {gpu: {serviceMs: 10}}
            apps:
              - {app: a, model: small, ratePerSec: 20, sloMs: 1000, sloStatistic: mean}
              - {app: b, model: fresh, ratePerSec: 20, sloMs: 1000, sloStatistic: mean}
              - {app: c, model: bare, ratePerSec: 5, sloMs: 1000, sloStatistic: mean}
            """, "memory.yaml");

    /** The figures of the scenario above, by app and accelerator type; none for c, whose model states none. */
    private static final Map<String, Double> MEMORY_MB = Map.of("a/edgetpu", 96.5, "a/gpu", 512.0, "b/edgetpu", 140.0);

    @Test
    void everyReportCarriesItsModelsMemoryOnTheAcceleratorTypeItRanOn() {
        SimulatedCluster cluster = new SimulatedCluster(SCENARIO, 11, EPOCH, 300);
        cluster.apply(new PlanStep.Place("a", "n1/tpu0"));
        cluster.apply(new PlanStep.Place("b", "n1/tpu0"));
        cluster.apply(new PlanStep.Place("c", "n1/gpu0"));
        List<TelemetryReport> reports = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            reports.addAll(cluster.advanceWindow());
        }
        cluster.apply(new PlanStep.Move("a", "n1/tpu0", "n1/gpu0"));
        for (int s = 0; s < 5; s++) {
            reports.addAll(cluster.advanceWindow());
        }
        assertTrue(reports.stream().anyMatch(r -> r.app().equals("a") && r.acceleratorType().equals("gpu")),
                "a reported from the GPU after its move");
        assertTrue(reports.stream().anyMatch(r -> r.app().equals("c")), "c reported, with no memory: its model states none");
        for (TelemetryReport report : reports) {
            String key = report.app() + "/" + report.acceleratorType();
            assertEquals(MEMORY_MB.get(key), report.memoryMb(), key);
        }
    }

    /** What the simulator writes is what the schema and the topology admit, with the memory read back as written. */
    @Test
    void theReportsAreValidTelemetryWithTheMemoryInThem() throws Exception {
        SimulatedCluster cluster = new SimulatedCluster(SCENARIO, 3, EPOCH, 0);
        cluster.apply(new PlanStep.Place("a", "n1/gpu0"));
        List<TelemetryReport> reports = cluster.advanceWindow();
        assertEquals(1, reports.size(), "the one placed app's window");
        for (TelemetryReport report : reports) {
            String json = Json.write(report);
            assertTrue(json.contains("\"memoryMb\":512.0"), json);
            ContractTest.assertValid(Topics.TELEMETRY, json);
            TelemetryParser.Result.Valid valid = assertInstanceOf(TelemetryParser.Result.Valid.class,
                    TelemetryParser.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertEquals(512.0, valid.report().memoryMb());
        }
    }
}
