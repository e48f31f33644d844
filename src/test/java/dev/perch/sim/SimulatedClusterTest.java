package dev.perch.sim;

import dev.perch.cluster.ActuationException;
import dev.perch.cluster.AppTelemetry;
import dev.perch.cluster.ApplyResult;
import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.TelemetryReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator against textbook queueing results (it never calls Perch's models): processor
 * sharing's mean is S/(1−ρ) for any service distribution; one FCFS app is an M/G/1 queue with the
 * Pollaczek–Khinchine mean; swaps happen exactly when the model changes.
 */
class SimulatedClusterTest {
    private static final long EPOCH = 1_764_201_600_000L;

    private static Scenario scenario(String apps, String catalog) {
        return ScenarioReader.parse("""
                name: bare
                networkMs: 0
                nodes:
                  - {node: n1, memoryMb: 4096, acceleratorTypes: [edgetpu, gpu], frontendServiceMs: 0}
                  - {node: n2, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 0}
                models:
                """ + catalog + "apps:\n" + apps, "test scenario");
    }

    private static final String CATALOG = """
              small: {edgetpu: {serviceMs: 5, swapMs: 12, memoryMb: 100}, gpu: {serviceMs: 20, memoryMb: 500}}
              large: {edgetpu: {serviceMs: 125, swapMs: 20, memoryMb: 100}, gpu: {serviceMs: 40, memoryMb: 500}}
            """;

    /** Request-weighted mean latency per app over all windows. */
    private static double meanLatency(List<TelemetryReport> reports, String app) {
        double sum = 0;
        long n = 0;
        for (TelemetryReport r : reports) {
            if (r.app().equals(app) && r.requests() > 0) {
                sum += r.latencyMs().mean() * r.requests();
                n += r.requests();
            }
        }
        return sum / n;
    }

    private static List<TelemetryReport> run(SimulatedCluster cluster, int seconds) {
        List<TelemetryReport> all = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            all.addAll(cluster.advanceWindow());
        }
        return all;
    }

    @Test
    void processorSharingMeansAreServiceOverOneMinusRho() {
        // ρ = 10/s·20 ms + 10/s·40 ms = 0.6
        Scenario scenario = scenario("""
                  - {app: a, model: small, ratePerSec: 10, sloMs: 1000, sloStatistic: mean}
                  - {app: b, model: large, ratePerSec: 10, sloMs: 1000, sloStatistic: mean}
                """, CATALOG);
        SimulatedCluster cluster = new SimulatedCluster(scenario, 7, EPOCH, 0);
        cluster.apply(new PlanStep.Place("a", "n1/gpu0"));
        cluster.apply(new PlanStep.Place("b", "n1/gpu0"));
        List<TelemetryReport> reports = run(cluster, 3000);
        assertEquals(20 / 0.4, meanLatency(reports, "a"), 50 * 0.04);
        assertEquals(40 / 0.4, meanLatency(reports, "b"), 100 * 0.04);
    }

    @Test
    void oneFcfsAppIsAnMg1QueueWithTheRecordedServiceSpread() {
        Scenario scenario = scenario("""
                  - {app: a, model: large, ratePerSec: 4, sloMs: 1000, sloStatistic: mean}
                """, CATALOG);
        SimulatedCluster cluster = new SimulatedCluster(scenario, 11, EPOCH, 0);
        cluster.apply(new PlanStep.Place("a", "n1/tpu0"));
        List<TelemetryReport> reports = run(cluster, 3000);
        double s = 125;
        double cv = ServiceSpread.recorded().cv(s, false);
        double rho = 4 * s / 1000;
        double pollaczekKhinchine = 4 / 1000.0 * s * s * (1 + cv * cv) / (2 * (1 - rho)) + s;
        assertEquals(pollaczekKhinchine, meanLatency(reports, "a"), pollaczekKhinchine * 0.04);
        assertEquals(0, reports.stream().mapToLong(TelemetryReport::swaps).sum(), "one model never swaps");
    }

    @Test
    void twoModelsOnAnEdgeTpuSwapWhenTheModelChanges() {
        Scenario scenario = scenario("""
                  - {app: a, model: small, ratePerSec: 20, sloMs: 1000, sloStatistic: mean}
                  - {app: b, model: large, ratePerSec: 1, sloMs: 1000, sloStatistic: mean}
                """, CATALOG);
        SimulatedCluster cluster = new SimulatedCluster(scenario, 5, EPOCH, 0);
        cluster.apply(new PlanStep.Place("a", "n1/tpu0"));
        cluster.apply(new PlanStep.Place("b", "n1/tpu0"));
        List<TelemetryReport> reports = run(cluster, 600);
        long bRequests = reports.stream().filter(r -> r.app().equals("b")).mapToLong(TelemetryReport::requests).sum();
        long bSwaps = reports.stream().filter(r -> r.app().equals("b")).mapToLong(TelemetryReport::swaps).sum();
        long aSwaps = reports.stream().filter(r -> r.app().equals("a")).mapToLong(TelemetryReport::swaps).sum();
        // b is rare: the request before one of b's is almost always a's, so nearly every b swaps;
        // every swap of b's is followed by a swap back for a's next request.
        assertTrue(bSwaps > 0.9 * bRequests, bSwaps + " of " + bRequests);
        assertEquals(bSwaps, aSwaps, bSwaps * 0.05 + 2);
    }

    @Test
    void theSameSeedGivesTheSameTelemetry() {
        Scenario scenario = ScenarioReader.load("default");
        List<List<TelemetryReport>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            SimulatedCluster cluster = new SimulatedCluster(scenario, 42, EPOCH, 2000);
            cluster.apply(new PlanStep.Place("cam-1", "pi-1/tpu0"));
            cluster.apply(new PlanStep.Place("cam-3", "pi-1/tpu0"));
            runs.add(run(cluster, 30));
        }
        assertEquals(runs.get(0), runs.get(1));
        SimulatedCluster other = new SimulatedCluster(scenario, 43, EPOCH, 2000);
        other.apply(new PlanStep.Place("cam-1", "pi-1/tpu0"));
        other.apply(new PlanStep.Place("cam-3", "pi-1/tpu0"));
        assertNotEquals(runs.get(0), run(other, 30));
    }

    @Test
    void aMoveSwitchesTrafficAfterTheMoveTime() {
        Scenario scenario = scenario("""
                  - {app: a, model: small, ratePerSec: 50, sloMs: 1000, sloStatistic: mean}
                """, CATALOG);
        SimulatedCluster cluster = new SimulatedCluster(scenario, 3, EPOCH, 2500);
        cluster.apply(new PlanStep.Place("a", "n1/tpu0"));
        run(cluster, 2);
        assertInstanceOf(ApplyResult.Patched.class, cluster.apply(new PlanStep.Move("a", "n1/tpu0", "n2/tpu0")));
        assertThrows(ActuationException.class, () -> cluster.apply(new PlanStep.Move("a", "n1/tpu0", "n1/gpu0")),
                "one move at a time");
        List<TelemetryReport> during = run(cluster, 2);
        assertTrue(during.stream().allMatch(r -> r.accelerator().equals("n1/tpu0")), "traffic stays until the switch");
        List<TelemetryReport> after = run(cluster, 3);
        assertTrue(after.stream().anyMatch(r -> r.accelerator().equals("n2/tpu0") && r.requests() > 0));
        assertEquals("n2/tpu0", cluster.snapshot().app("a").orElseThrow().accelerator().orElseThrow());
        assertThrows(ActuationException.class, () -> cluster.apply(new PlanStep.Move("a", "n1/tpu0", "n1/gpu0")),
                "a plan made before the move is stale");
    }

    /** The scenario's apps with their SLOs judged over {@code windowSec}. */
    private static Scenario withWindow(Scenario scenario, int windowSec) {
        return new Scenario(scenario.name(), scenario.networkMs(), scenario.nodes(), scenario.catalog(),
                scenario.apps().stream().map(a -> a.withSloWindowSec(windowSec)).toList(), scenario.lengthSec());
    }

    @Test
    void theJudgeSeesAStarvedAppInViolationOnceAFullWindowHasRun() {
        Scenario scenario = withWindow(scenario("""
                  - {app: a, model: large, ratePerSec: 12, sloMs: 500, sloStatistic: p95}
                """, CATALOG), 5);
        SimulatedCluster cluster = new SimulatedCluster(scenario, 3, EPOCH, 0);
        cluster.apply(new PlanStep.Place("a", "n1/tpu0")); // 12 × 125 ms: 1.5 s of work per second
        run(cluster, 30);
        SimulatedCluster.AppVerdict verdict = cluster.verdicts().get(0);
        assertTrue(verdict.inViolation());
        assertEquals(5.0, verdict.firstViolationSec(), "judged from the end of the first full 5 s window");
        assertEquals(26, verdict.judgedSeconds(), "seconds 5 to 30");
        assertEquals(26, verdict.violationSeconds());
        assertEquals(0.0, verdict.windowCompliance());
    }

    @Test
    void aMoveRestartsTheWindowSoItsWarmUpIsNotJudged() {
        Scenario scenario = withWindow(scenario("""
                  - {app: a, model: small, ratePerSec: 5, sloMs: 500}
                """, CATALOG), 10);
        SimulatedCluster cluster = new SimulatedCluster(scenario, 3, EPOCH, 2000);
        cluster.apply(new PlanStep.Place("a", "n1/tpu0"));
        run(cluster, 15); // judged at 10..15
        assertEquals(6, cluster.verdicts().get(0).judgedSeconds());
        cluster.apply(new PlanStep.Move("a", "n1/tpu0", "n2/tpu0")); // traffic switches after the judgement at 17 s
        run(cluster, 20); // to t = 35: still judged at 16 and 17 on the old accelerator, then again from 27
        assertEquals(6 + 2 + 9, cluster.verdicts().get(0).judgedSeconds());
        cluster.apply(new PlanStep.Remove("a"));
        run(cluster, 5);
        assertEquals(17, cluster.verdicts().get(0).judgedSeconds(), "a stopped app is not judged");
        assertEquals(1.0, cluster.verdicts().get(0).windowCompliance(), "5 req/s of a 5 ms model is far inside 500 ms");
    }

    @Test
    void anAppCannotRunWhereItsModelHasNoProfile() {
        Scenario scenario = scenario("""
                  - {app: a, model: tpu-only, ratePerSec: 1, sloMs: 500}
                """, "  tpu-only: {edgetpu: {serviceMs: 5}}\n");
        SimulatedCluster cluster = new SimulatedCluster(scenario, 3, EPOCH, 0);
        ActuationException e = assertThrows(ActuationException.class, () -> cluster.apply(new PlanStep.Place("a", "n1/gpu0")));
        assertTrue(e.getMessage().contains("cannot run on gpu"), e.getMessage());
    }

    private static Optional<AppTelemetry> telemetry(SimulatedCluster cluster, String app) {
        return cluster.snapshot().app(app).orElseThrow().telemetry();
    }

    @Test
    void throughAgentsEdgeTpuAppsPushAndTheOthersAreScrapedWhereTheirTrafficIs() {
        Scenario scenario = scenario("""
                  - {app: a, model: small, ratePerSec: 5, sloMs: 500}
                  - {app: b, model: large, ratePerSec: 5, sloMs: 500}
                  - {app: c, model: small, ratePerSec: 5, sloMs: 500}
                """, CATALOG);
        SimulatedCluster cluster = new SimulatedCluster(scenario, 3, EPOCH, 2500);
        cluster.apply(new PlanStep.Place("a", "n1/tpu0"));
        cluster.apply(new PlanStep.Place("b", "n1/gpu0"));
        assertEquals(Optional.empty(), telemetry(cluster, "b"), "apps publish their own until the agents carry it");

        cluster.reportThroughAgents(8002);
        assertEquals(Optional.of(new AppTelemetry.Push()), telemetry(cluster, "a"));
        assertEquals(Optional.of(new AppTelemetry.Scrape("triton", 8002, "/b/metrics", "large", Map.of("n1/gpu0", "127.0.0.1"))),
                telemetry(cluster, "b"));
        assertEquals(Optional.empty(), telemetry(cluster, "c"), "an app that runs nowhere reports nothing");

        run(cluster, 1);
        cluster.apply(new PlanStep.Move("b", "n1/gpu0", "n2/tpu0"));
        assertEquals(Optional.of(new AppTelemetry.Scrape("triton", 8002, "/b/metrics", "large", Map.of("n1/gpu0", "127.0.0.1"))),
                telemetry(cluster, "b"), "during the move only the serving source has a pod to scrape");
        run(cluster, 3);
        assertEquals(Optional.of(new AppTelemetry.Push()), telemetry(cluster, "b"), "on its Edge TPU it pushes");

        cluster.apply(new PlanStep.Move("a", "n1/tpu0", "n1/gpu0"));
        assertEquals(Optional.of(new AppTelemetry.Push()), telemetry(cluster, "a"), "it pushes until traffic switches");
        run(cluster, 3);
        assertEquals(Optional.of(new AppTelemetry.Scrape("triton", 8002, "/a/metrics", "small", Map.of("n1/gpu0", "127.0.0.1"))),
                telemetry(cluster, "a"));
    }
}
