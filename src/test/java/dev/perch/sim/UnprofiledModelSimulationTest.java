package dev.perch.sim;

import dev.perch.cluster.ActuationException;
import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator runs a model Perch has no profile of ({@code profiled: false}) by the scenario's
 * figures, as it runs any other: checked against the M/G/1 mean (Pollaczek–Khinchine) plus the
 * network time, which never asks the catalog.
 */
class UnprofiledModelSimulationTest {
    private static final long EPOCH = 1_764_201_600_000L;
    private static final double NETWORK_MS = 10;
    private static final double SERVICE_MS = 60;

    private static final Scenario SCENARIO = ScenarioReader.parse("""
            name: lone-unprofiled
            networkMs: 10
            nodes:
              - {node: n1, memoryMb: 4096, acceleratorTypes: [edgetpu, gpu], frontendServiceMs: 0}
            models:
              fresh: {profiled: false, edgetpu: {serviceMs: 60, swapMs: 15, memoryMb: 100}}
            apps:
              - {app: lone, model: fresh, ratePerSec: 2, sloMs: 1000, sloStatistic: mean}
            """, "test scenario");

    @Test
    void aLoneAppOfAnUnprofiledModelIsServedAtItsGivenServiceTime() {
        assertFalse(SCENARIO.catalog().knows("fresh"), "Perch's catalog lacks the model");
        SimulatedCluster cluster = new SimulatedCluster(SCENARIO, 13, EPOCH, 0);
        List<Completion> completions = new ArrayList<>();
        cluster.addCompletionListener(completions::add);
        cluster.apply(new PlanStep.Place("lone", "n1/tpu0"));
        for (int s = 0; s < 3000; s++) {
            cluster.advanceWindow();
        }
        assertTrue(completions.size() > 5000, completions.size() + " requests");
        double meanServiceMs = completions.stream().mapToDouble(Completion::serviceMs).average().orElseThrow();
        assertEquals(SERVICE_MS, meanServiceMs, SERVICE_MS * 0.02, "the scenario's figure, not a default");

        double rate = 2 / 1000.0;
        double cv = ServiceSpread.recorded().cv(SERVICE_MS, false);
        double rho = rate * SERVICE_MS;
        double pollaczekKhinchine = rate * SERVICE_MS * SERVICE_MS * (1 + cv * cv) / (2 * (1 - rho)) + SERVICE_MS;
        double meanLatencyMs = completions.stream().mapToDouble(Completion::latencyMs).average().orElseThrow();
        assertEquals(NETWORK_MS + pollaczekKhinchine, meanLatencyMs, (NETWORK_MS + pollaczekKhinchine) * 0.03);
        assertTrue(pollaczekKhinchine - SERVICE_MS < 0.1 * SERVICE_MS, "at this rate, service + network is nearly all of it");
    }

    @Test
    void itRunsOnlyWhereItHasFigures() {
        SimulatedCluster cluster = new SimulatedCluster(SCENARIO, 13, EPOCH, 0);
        ActuationException e = assertThrows(ActuationException.class, () -> cluster.apply(new PlanStep.Place("lone", "n1/gpu0")));
        assertEquals("fresh cannot run on gpu (n1/gpu0)", e.getMessage());
    }

    @Test
    void neverPlacedItIsNeverJudged() {
        SimulatedCluster cluster = new SimulatedCluster(SCENARIO, 13, EPOCH, 0);
        for (int s = 0; s < 120; s++) {
            cluster.advanceWindow();
        }
        SimulatedCluster.AppVerdict verdict = cluster.verdicts().get(0);
        assertEquals("lone", verdict.app());
        assertEquals(0, verdict.judgedSeconds());
        assertEquals(0, verdict.violationSeconds());
        assertFalse(verdict.inViolation());
    }
}
