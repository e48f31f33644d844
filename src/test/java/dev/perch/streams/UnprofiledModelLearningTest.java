package dev.perch.streams;

import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.TelemetryReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An app whose model the topology's catalog lacks, alone on its accelerator at a steady rate: the
 * simulator (which runs the model by the scenario's figures, never asking the catalog) produces its
 * telemetry, and the topology learns its service time with a standard error from nothing. The truth
 * is the scenario's figure.
 */
class UnprofiledModelLearningTest {
    private static final double EDGETPU_SERVICE_MS = 60;
    private static final double GPU_SERVICE_MS = 25;
    private static final int WINDOWS = 60;

    private static final Scenario SCENARIO = ScenarioReader.parse("""
            name: lone-unprofiled
            networkMs: 10
            nodes:
              - {node: n1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 0}
              - {node: n2, memoryMb: 4096, acceleratorTypes: [gpu], frontendServiceMs: 0}
            models:
              fresh: {profiled: false, edgetpu: {serviceMs: 60, swapMs: 15, memoryMb: 100}, gpu: {serviceMs: 25, memoryMb: 600}}
            apps:
              - {app: lone, model: fresh, ratePerSec: 5, sloMs: 1000, sloStatistic: mean}
            """, "lone-unprofiled");

    @Test
    void aLoneEdgeTpuAppLearnsItsServiceTimeFromNothing() throws Exception {
        learnsAlone("n1", "n1/tpu0", EDGETPU_SERVICE_MS, 100.0, null);
    }

    @Test
    void aLoneGpuAppLearnsItsServiceTimeFromNothing() throws Exception {
        learnsAlone("n2", "n2/gpu0", GPU_SERVICE_MS, 600.0, 0.0);
    }

    /**
     * {@code swapMs}: what the record says of the swap time — unknown (null) on an Edge TPU, where an
     * app alone never swaps; 0 on a GPU, where nothing does.
     */
    private static void learnsAlone(String node, String accelerator, double serviceMs, double memoryMb, Double swapMs)
            throws Exception {
        assertFalse(SCENARIO.catalog().knows("fresh"), "the topology's catalog lacks the model");
        List<PredictionRecord.AppPrediction> learned = new ArrayList<>();
        try (TopologyFixture fx = new TopologyFixture(TopologySettings.defaults(SCENARIO.catalog()))) {
            fx.app("lone", "fresh", 1000, "mean", node, accelerator);
            SimulatedCluster cluster = new SimulatedCluster(SCENARIO, 17, TopologyFixture.T0, 0);
            cluster.apply(new PlanStep.Place("lone", accelerator));
            for (int w = 0; w < WINDOWS; w++) {
                for (TelemetryReport report : cluster.advanceWindow()) {
                    fx.send(report);
                }
                for (String value : fx.predictions.readValuesToList()) {
                    learned.add(Json.read(value, PredictionRecord.class).apps().get(0));
                }
            }
            assertTrue(fx.dlq.isEmpty());
        }
        assertEquals(WINDOWS, learned.size(), "a record a window");
        Integer within5 = null;
        StringBuilder trace = new StringBuilder();
        for (int w = 0; w < learned.size(); w++) {
            PredictionRecord.AppPrediction app = learned.get(w);
            Double stdErr = app.confidence() == null || app.confidence().service() == null ? null
                    : app.confidence().service().serviceStdErrMs();
            if (within5 == null && stdErr != null && 1.96 * stdErr / app.serviceMs() <= 0.05) {
                within5 = w + 1;
            }
            if ((w + 1) % 10 == 0 || Integer.valueOf(w + 1).equals(within5)) {
                trace.append(String.format(Locale.ROOT, "%n  window %d: serviceMs %.2f ± %s (1.96·SE), serviceCv %.3f, swapMs %s, source %s",
                        w + 1, app.serviceMs(), stdErr == null ? "?" : String.format(Locale.ROOT, "%.2f", 1.96 * stdErr),
                        app.serviceCv(), app.swapMs(), app.parameterSource()));
            }
        }
        System.out.printf(Locale.ROOT, "%s, truth %.1f ms: 1.96·SE/serviceMs ≤ 0.05 after %s windows%s%n", accelerator,
                serviceMs, within5 == null ? "more than " + WINDOWS : within5, trace);
        PredictionRecord.AppPrediction last = learned.get(learned.size() - 1);
        assertEquals("learned", last.parameterSource());
        assertNotNull(last.confidence(), "the learned figures carry their confidence");
        assertNotNull(last.confidence().service(), "the service time's");
        assertNotNull(last.confidence().service().serviceStdErrMs(), "the service time's standard error");
        assertEquals(serviceMs, last.serviceMs(), serviceMs * 0.10, "within 10 % of the simulator's figure");
        assertEquals(memoryMb, last.memoryMb(), "the simulator's memory, reported through");
        assertEquals(swapMs, last.swapMs(), "the swap time");
    }
}
