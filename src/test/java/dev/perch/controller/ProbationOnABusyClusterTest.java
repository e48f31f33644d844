package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.DecisionRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Probation where no accelerator is idle, against the simulated cluster, without Kafka:
 * <ul>
 *   <li>an accelerator being emptied for a probation is kept for it from one pass to the next: an app
 *   created as its apps have moved off (make-before-break, 2 simulated seconds here) is not placed
 *   there, though it is considered first and the accelerator is empty; the app waiting for its
 *   probation is (without the reservation, d takes the accelerator: seen);</li>
 *   <li>where none can be emptied, the app waits, or with {@code share-when-none-idle} starts its
 *   probation beside others, planned at the conservative prior.</li>
 * </ul>
 */
class ProbationOnABusyClusterTest {
    private static final long EPOCH = 1_764_201_600_000L;
    /** Two Edge TPUs, a profiled model and one nobody profiled; the apps follow. */
    private static final String TWO_EDGE_TPUS = """
            name: two-edge-tpus
            networkMs: 10
            nodes:
              - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 5}
              - {node: pi-2, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 5}
            models:
              known: {edgetpu: {serviceMs: 50, swapMs: 10, memoryMb: 100}}
              fresh: {profiled: false, edgetpu: {serviceMs: 42.5, swapMs: 11, memoryMb: 120}}
            apps:
            """;
    /**
     * Both Edge TPUs busy at 0.3 each; the one of a is emptied for b's probation by moving a beside k
     * (0.6). d, at 0.3 more, fits only on the accelerator being emptied: beside a and k it would be at
     * 0.9, over the 0.8 cap.
     */
    private static final String BUSY = TWO_EDGE_TPUS + """
              - {app: a, model: known, ratePerSec: 6, sloMs: 1000, sloStatistic: mean, runningOn: pi-1/tpu0}
              - {app: k, model: known, ratePerSec: 6, sloMs: 1000, sloStatistic: mean, runningOn: pi-2/tpu0}
              - {app: d, model: known, ratePerSec: 6, sloMs: 1000, sloStatistic: mean}
              - {app: b, model: fresh, ratePerSec: 2, sloMs: 1000, sloStatistic: mean}
            """;

    private final List<DecisionRecord> decisions = new ArrayList<>();
    private SimulatedCluster cluster;

    private Optional<String> placedOn(String app) {
        return cluster.app(app).filter(a -> !a.moving()).flatMap(RunningApp::accelerator);
    }

    @Test
    void theAcceleratorEmptiedForAProbationTakesNoOtherAppAndThenTheProbation() {
        Scenario scenario = ScenarioReader.parse(BUSY, "busy.yaml");
        cluster = new SimulatedCluster(scenario, 1, EPOCH, 2000);
        // d is created as the emptying move ends, and comes before b in the pass that finds the
        // accelerator empty, where no move under way keeps it off any more: only the reservation does.
        ClusterView dLater = () -> {
            ClusterSnapshot all = cluster.snapshot();
            return cluster.nowSec() >= 3 ? all : new ClusterSnapshot(all.networkMs(), all.nodes(),
                    all.apps().stream().filter(a -> !a.app().equals("d")).toList());
        };
        Reconciler reconciler = Reconciler.builder(dLater, cluster, new SimClock(cluster::nowEpochMs))
                .catalog(scenario.catalog()).outputs(RecordingOutputs.decisionsInto(decisions)).build();

        reconciler.pass();
        DecisionRecord move = decisions.stream().filter(d -> d.action().equals("move")).findFirst().orElseThrow();
        assertEquals("a", move.app());
        assertEquals("pi-2/tpu0", move.to());
        assertTrue(cluster.app("a").orElseThrow().moving(), "a's move takes 2 s");
        assertEquals(Optional.empty(), placedOn("b"), "b waits until the accelerator is empty");

        for (int s = 0; s < 3; s++) {
            cluster.advanceWindow();
            reconciler.pass();
        }
        DecisionRecord keptOff = lastAbout("d");
        assertTrue(keptOff.reason().contains("pi-1/tpu0: being emptied for the probation of b"), keptOff.reason());
        assertEquals(Optional.of("pi-2/tpu0"), placedOn("a"));
        assertEquals(Optional.of("pi-1/tpu0"), placedOn("b"), "b alone on the accelerator emptied for it");
        assertEquals(Map.of("pi-1/tpu0", "probation of b: learning the profile of fresh alone there"),
                reconciler.probationAccelerators());
        assertEquals(Optional.empty(), placedOn("d"), "no room for d while b is on probation: " + lastAbout("d").reason());
    }

    /** Each Edge TPU at 0.5: neither app fits beside the other, so neither accelerator can be emptied. */
    private static final String FULL = TWO_EDGE_TPUS + """
              - {app: a, model: known, ratePerSec: 10, sloMs: 2000, sloStatistic: mean, runningOn: pi-1/tpu0}
              - {app: k, model: known, ratePerSec: 10, sloMs: 2000, sloStatistic: mean, runningOn: pi-2/tpu0}
              - {app: b, model: fresh, ratePerSec: 1, sloMs: 2000, sloStatistic: mean}
            """;

    private Reconciler onFull(ProbationSettings probation) {
        Scenario scenario = ScenarioReader.parse(FULL, "full.yaml");
        cluster = new SimulatedCluster(scenario, 1, EPOCH, 2000);
        return Reconciler.builder(cluster, cluster, new SimClock(cluster::nowEpochMs)).catalog(scenario.catalog())
                .probation(probation).outputs(RecordingOutputs.decisionsInto(decisions)).build();
    }

    @Test
    void whereNoAcceleratorCanBeEmptiedTheProbationWaitsByDefault() {
        Reconciler reconciler = onFull(ProbationSettings.DEFAULT);
        reconciler.pass();
        assertEquals(Optional.empty(), placedOn("b"));
        assertTrue(lastAbout("b").reason().contains("no accelerator of type edgetpu is idle, and none can be emptied"),
                lastAbout("b").reason());
        assertEquals(Map.of(), reconciler.probationAccelerators());
    }

    @Test
    void whereNoAcceleratorCanBeEmptiedASharedProbationStartsAtTheConservativePriorWhenAllowed() {
        ProbationSettings d = ProbationSettings.DEFAULT;
        Reconciler reconciler = onFull(new ProbationSettings(d.precision(), d.minRequests(), d.longest(), true));
        reconciler.pass();
        String on = placedOn("b").orElseThrow(() -> new AssertionError(lastAbout("b").reason()));
        assertTrue(Set.of("pi-1/tpu0", "pi-2/tpu0").contains(on), on);
        assertTrue(decisions.stream().noneMatch(x -> x.action().equals("move")), "nothing moved for it");
        DecisionRecord placed = lastAbout("b");
        assertEquals("place", placed.action());
        assertTrue(placed.reason().contains("conservative prior"), placed.reason());
        reconciler.pass();
        assertEquals(Set.of(on), reconciler.probationAccelerators().keySet(), "on probation where it shares");
    }

    private DecisionRecord lastAbout(String app) {
        return decisions.stream().filter(d -> d.app().equals(app)).reduce((first, second) -> second).orElseThrow();
    }
}
