package dev.perch.controller;

import dev.perch.cluster.AppReports;
import dev.perch.cluster.LearnedProfiles;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.LearnedProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.Confidence;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.PredictionRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller's side of probation against the simulated cluster, without Kafka: the prediction
 * records the topology would write are given by hand here (the topology's learning has its own
 * tests; the whole loop runs in the demo's).
 */
class ProbationTest {
    private static final long EPOCH = 1_764_201_600_000L;
    private static final String SCENARIO = """
            name: probation
            networkMs: 10
            nodes:
              - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 5}
              - {node: pi-2, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 5}
            models:
              known: {edgetpu: {serviceMs: 5, swapMs: 10, memoryMb: 100}}
              fresh: {profiled: false, edgetpu: {serviceMs: 42.5, swapMs: 11, memoryMb: 120}}
            apps:
              - {app: a, model: known, ratePerSec: 5, sloMs: 300, sloStatistic: mean}
              - {app: b, model: fresh, ratePerSec: 2, sloMs: 300, sloStatistic: mean}
              - {app: c, model: fresh, ratePerSec: 2, sloMs: 300, sloStatistic: mean}
            """;

    private final List<DecisionRecord> decisions = new ArrayList<>();
    private final Map<String, String> onProbation = new HashMap<>();
    private final Map<String, String> waiting = new HashMap<>();
    private SimulatedCluster cluster;
    private LearnedProfiles.InMemory learned;
    private Reconciler reconciler;

    @BeforeEach
    void setUp() {
        Scenario scenario = ScenarioReader.parse(SCENARIO, "probation.yaml");
        cluster = new SimulatedCluster(scenario, 1, EPOCH, 2000);
        learned = new LearnedProfiles.InMemory(scenario.catalog());
        reconciler = Reconciler.builder(cluster, cluster, new SimClock(cluster::nowEpochMs))
                .learnedProfiles(learned, learned).outputs(new ControllerOutputs() {
                    @Override
                    public void decision(DecisionRecord decision) {
                        decisions.add(decision);
                    }

                    @Override
                    public void app(AppRecord app) {
                    }

                    @Override
                    public void inventory(InventoryRecord node) {
                    }
                }).build();
        reconciler.reportTo(new AppReports() {
            @Override
            public void onProbation(String app, String why) {
                onProbation.put(app, why);
            }

            @Override
            public void waitingForProbation(String app, String why) {
                waiting.put(app, why);
            }
        });
        reconciler.pass();
        reconciler.pass(); // the second pass sees b placed, and so on probation
    }

    private Optional<String> placedOn(String app) {
        return cluster.app(app).flatMap(RunningApp::accelerator);
    }

    /** What the topology would say of b after a window on its accelerator. */
    private void predicted(double serviceMs, double serviceStdErrMs, double requests) {
        predicted(serviceMs, serviceStdErrMs, requests, requests / 2, null);
    }

    /** As above, over {@code sampleSec} of windows, with the memory the app reported (null: none). */
    private void predicted(double serviceMs, double serviceStdErrMs, double requests, double sampleSec, Double memoryMb) {
        String on = placedOn("b").orElseThrow();
        PredictionRecord.AppPrediction b = PredictionRecord.AppPrediction.builder().app("b").model("fresh").ratePerSec(2)
                .serviceMs(serviceMs).parameterSource("learned").memoryMb(memoryMb)
                .confidence(new Confidence(null, new Confidence.Service(serviceStdErrMs, null, null, requests, sampleSec),
                        null, null)).build();
        reconciler.observe(new PredictionRecord(PredictionRecord.SCHEMA, on, "edgetpu", on.substring(0, on.indexOf('/')),
                cluster.nowEpochMs() - 1000, cluster.nowEpochMs(), 0.1, true, null, List.of(b)));
    }

    @Test
    void theFirstAppOfAnUnprofiledModelRunsAloneAndTheSecondWaitsForItsProfile() {
        assertEquals(Optional.of("pi-1/tpu0"), placedOn("a"));
        assertEquals(Optional.of("pi-2/tpu0"), placedOn("b"), "b alone on the idle Edge TPU");
        DecisionRecord placed = decisions.stream().filter(d -> d.app().equals("b") && d.action().equals("place"))
                .findFirst().orElseThrow();
        assertTrue(placed.reason().contains("probation: learning the profile of fresh"), placed.reason());
        assertTrue(onProbation.get("b").contains("learning the profile of fresh on pi-2/tpu0"), onProbation.toString());
        assertEquals(Optional.empty(), placedOn("c"));
        assertTrue(waiting.get("c").contains("being learned from b on pi-2/tpu0"), waiting.toString());
        assertEquals(Map.of("pi-2/tpu0", "probation of b: learning the profile of fresh alone there"),
                reconciler.probationAccelerators());
    }

    @Test
    void aTightIntervalEndsTheProbationWithTheLearnedFiguresAndTheModelIsPlacedAsAnyOther() {
        predicted(42.0, 0.5, 300); // 1.96 × 0.5 = 0.98 ms, within 5 % of 42
        cluster.advanceWindow();
        reconciler.pass();
        LearnedProfile profile = learned.kept().get(0);
        assertEquals(42.0, profile.serviceMs());
        assertEquals(10, profile.swapMs(), "the dearest swap of the Edge TPU models profiled (only 'known', 10 ms): a lone app shows none");
        assertEquals(100, profile.memoryMb(), "no memory reported: the largest of the type's profiled models");
        assertEquals("learned online from b on pi-2/tpu0, 300 requests, 2025-11-27T00:00:01Z", profile.source());
        assertEquals(null, onProbation.get("b"), "the owner is told the probation ended");
        assertTrue(learned.get().profile("fresh", AcceleratorType.EDGETPU).isPresent());
        assertEquals(Map.of(), reconciler.probationAccelerators());
        reconciler.pass();
        assertTrue(placedOn("c").isPresent(), "c is placed by the usual rules once the profile is learned");
        assertTrue(decisions.stream().anyMatch(d -> d.app().equals("b") && d.reason().startsWith("probation ended")));
    }

    @Test
    void aWideIntervalWaitsAndAfterTheLongestProbationTheUpperEndIsTaken() {
        predicted(42.0, 3.0, 300); // 1.96 × 3 = 5.9 ms: 14 % of the mean
        cluster.advanceWindow();
        reconciler.pass();
        assertEquals(List.of(), learned.kept(), "not precise enough yet");
        for (int s = 0; s < 300; s++) {
            cluster.advanceWindow();
        }
        predicted(42.0, 3.0, 600);
        reconciler.pass();
        assertEquals(42.0 + Confidence.Z95 * 3.0, learned.kept().get(0).serviceMs(), 1e-9);
    }

    @Test
    void tooFewRequestsAreNotEnoughHoweverTight() {
        predicted(42.0, 0.1, 50);
        cluster.advanceWindow();
        reconciler.pass();
        assertEquals(List.of(), learned.kept());
    }

    @Test
    void manyRequestsInAFewSecondsAreNotEnough() {
        predicted(42.0, 0.1, 1000, 4, null); // a busy app's first windows: a standard error on few degrees of freedom
        cluster.advanceWindow();
        reconciler.pass();
        assertEquals(List.of(), learned.kept());
    }

    @Test
    void theMemoryTheAppReportedIsTheProfilesMemory() {
        predicted(42.0, 0.5, 300, 150, 118.5);
        cluster.advanceWindow();
        reconciler.pass();
        assertEquals(118.5, learned.kept().get(0).memoryMb());
    }

    @Test
    void aModelThatBreaksItsSloEvenAloneIsStoppedAndThenTurnedAwayByTheUsualRules() {
        predicted(400.0, 4.0, 300); // 400 ms a request against a 300 ms mean SLO: no accelerator can keep it
        cluster.advanceWindow();
        reconciler.pass();
        DecisionRecord stopped = decisions.stream().filter(d -> d.action().equals("remove")).findFirst().orElseThrow();
        assertEquals("b", stopped.app());
        assertTrue(stopped.reason().contains("fresh cannot keep the SLO of b even alone on pi-2/tpu0"), stopped.reason());
        assertEquals(Optional.empty(), placedOn("b"));
        assertEquals(400.0, learned.kept().get(0).serviceMs(), "the profile is kept all the same: it is what the model costs");
        reconciler.pass();
        assertEquals(Optional.empty(), placedOn("b"), "placed nowhere by the usual rules");
        assertEquals(Optional.empty(), placedOn("c"));
        DecisionRecord why = decisions.get(decisions.size() - 1);
        assertEquals("none", why.action());
        assertTrue(why.reason().contains("no device keeps every SLO"), why.reason());
    }

    @Test
    void aStoreSlowToShowTheKeptProfileDoesNotStartTheProbationAgain() {
        // On Kubernetes the catalog shows a kept profile once the ConfigMap's informer has read it;
        // here it never does, and the controller must still count the profile it kept.
        Scenario scenario = ScenarioReader.parse(SCENARIO, "probation.yaml");
        cluster = new SimulatedCluster(scenario, 1, EPOCH, 2000);
        List<LearnedProfile> written = new ArrayList<>();
        LearnedProfiles lagging = new LearnedProfiles() {
            @Override
            public void keep(LearnedProfile profile) {
                written.add(profile);
            }

            @Override
            public ProfileCatalog learned() {
                return ProfileCatalog.empty();
            }
        };
        decisions.clear();
        reconciler = Reconciler.builder(cluster, cluster, new SimClock(cluster::nowEpochMs))
                .learnedProfiles(lagging, scenario::catalog).outputs(RecordingOutputs.decisionsInto(decisions)).build();
        reconciler.pass();
        reconciler.pass();
        predicted(42.0, 0.5, 300);
        for (int s = 0; s < 5; s++) {
            cluster.advanceWindow();
            reconciler.pass();
            predicted(42.0, 0.5, 300);
        }
        assertEquals(1, written.size(), written.toString());
        assertEquals(1, decisions.stream().filter(d -> d.reason().startsWith("probation ended")).count(), decisions.toString());
        assertEquals(Map.of(), reconciler.probationAccelerators());
        assertTrue(placedOn("c").isPresent(), "c placed with the profile kept");
    }

    @Test
    void theProbationBeginsAsItsAppIsPlacedSoTheRestOfThePassKeepsOff() {
        String three = """
                name: three
                networkMs: 10
                nodes:
                  - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 5}
                  - {node: pi-2, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 5}
                  - {node: pi-3, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 5}
                models:
                  known: {edgetpu: {serviceMs: 5, swapMs: 10, memoryMb: 100}}
                  fresh: {profiled: false, edgetpu: {serviceMs: 42.5, swapMs: 11, memoryMb: 120}}
                apps:
                  - {app: a, model: known, ratePerSec: 5, sloMs: 300, sloStatistic: mean}
                  - {app: b, model: fresh, ratePerSec: 2, sloMs: 300, sloStatistic: mean}
                  - {app: d, model: known, ratePerSec: 5, sloMs: 300, sloStatistic: mean}
                  - {app: c, model: fresh, ratePerSec: 2, sloMs: 300, sloStatistic: mean}
                """;
        Scenario scenario = ScenarioReader.parse(three, "three.yaml");
        cluster = new SimulatedCluster(scenario, 1, EPOCH, 2000);
        decisions.clear();
        reconciler = Reconciler.builder(cluster, cluster, new SimClock(cluster::nowEpochMs)).catalog(scenario.catalog())
                .outputs(RecordingOutputs.decisionsInto(decisions)).build();
        reconciler.pass(); // one pass: a, b, d and c decided one after another
        String probation = placedOn("b").orElseThrow();
        assertEquals(Optional.empty(), placedOn("c"), "one probation of a model at a time, from the first placement on");
        assertTrue(!placedOn("d").orElseThrow().equals(probation), "d kept off b's probation accelerator in the same pass");
        assertEquals(Map.of(probation, "probation of b: learning the profile of fresh alone there"),
                reconciler.probationAccelerators());
    }

    @Test
    void aProfileWrittenByHandMeanwhileEndsTheProbationAndTheOwnerIsTold() {
        Scenario scenario = ScenarioReader.parse(SCENARIO, "probation.yaml");
        ProfileCatalog[] catalog = {scenario.catalog()};
        cluster = new SimulatedCluster(scenario, 1, EPOCH, 2000);
        reconciler = Reconciler.builder(cluster, cluster, new SimClock(cluster::nowEpochMs)).catalog(() -> catalog[0])
                .build();
        reconciler.reportTo(new AppReports() {
            @Override
            public void onProbation(String app, String why) {
                onProbation.put(app, why);
            }
        });
        reconciler.pass();
        reconciler.pass();
        assertTrue(onProbation.get("b") != null, onProbation.toString());
        catalog[0] = scenario.catalog().with("fresh", AcceleratorType.EDGETPU,
                new dev.perch.model.profile.ModelProfile(40, 12, 110, "the team's bench"));
        reconciler.pass();
        assertEquals(null, onProbation.get("b"), "Probation=False once the model has a profile");
        assertEquals(Map.of(), reconciler.probationAccelerators());
    }

    @Test
    void aDryRunKeepsNoProfileInTheStore() {
        Scenario scenario = ScenarioReader.parse(SCENARIO, "probation.yaml");
        cluster = new SimulatedCluster(scenario, 1, EPOCH, 2000);
        Reconciler live = Reconciler.builder(cluster, cluster, new SimClock(cluster::nowEpochMs)).catalog(scenario.catalog())
                .build();
        live.pass(); // b placed on probation for real, then the controller restarted in dry-run
        learned = new LearnedProfiles.InMemory(scenario.catalog());
        decisions.clear();
        reconciler = Reconciler.builder(cluster, cluster, new SimClock(cluster::nowEpochMs)).learnedProfiles(learned, learned)
                .settings(ControllerSettings.DEFAULT.withDryRun(true)).outputs(RecordingOutputs.decisionsInto(decisions)).build();
        reconciler.pass();
        predicted(42.0, 0.5, 300);
        cluster.advanceWindow();
        reconciler.pass();
        assertEquals(List.of(), learned.kept(), "nothing written");
        assertTrue(decisions.stream().anyMatch(d -> d.reason().startsWith("probation ended")
                && d.reason().contains("dry run: the profile is kept in memory only")), decisions.toString());
    }

    @Test
    void aReplicaThatStopsLeadingForgetsItsProbations() {
        assertEquals(1, reconciler.probationAccelerators().size());
        reconciler.setActive(false);
        assertEquals(Map.of(), reconciler.probationAccelerators());
    }
}
