package dev.perch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.cluster.RunningApp;
import dev.perch.controller.LiveRates;
import dev.perch.controller.Reconciler;
import dev.perch.controller.RecordingOutputs;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.placement.PlacementPolicy;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What each command does with a scenario whose model is {@code profiled: false}: the demo's
 * controller, given Perch's catalog, puts its app on probation; {@code evaluate} refuses
 * the scenario in one line; {@code validate} and {@code --print-scenario} say the model is unprofiled.
 */
class UnprofiledScenarioTest {
    private static final String SCENARIO = """
            name: unprofiled-test
            networkMs: 10
            nodes:
              - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
              - {node: pi-2, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
            models:
              known: {edgetpu: {serviceMs: 5, swapMs: 10, memoryMb: 100}}
              fresh: {profiled: false, edgetpu: {serviceMs: 20, swapMs: 10, memoryMb: 100}}
            apps:
              - {app: a, model: known, ratePerSec: 5, sloMs: 300, sloStatistic: mean}
              - {app: b, model: fresh, ratePerSec: 5, sloMs: 300, sloStatistic: mean}
            """;

    private static Path file(String yaml) throws Exception {
        Path file = Files.createTempDirectory("unprofiled").resolve("scenario.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /**
     * As the demo wires it (ClusterProducers): the simulator runs the scenario by its figures, the
     * controller gets {@link Scenario#catalog()} and puts the app of the model it lacks on probation,
     * alone on the idle Edge TPU. No topology here: the probation does not end (ProbationTest, the
     * demo tests).
     */
    @Test
    void theDemosControllerPutsTheAppOnProbationAndTheSimulatorRunsItByItsOwnFigures() {
        Scenario scenario = ScenarioReader.parse(SCENARIO, "u.yaml");
        SimulatedCluster cluster = new SimulatedCluster(scenario, 1, 0, 2000);
        List<DecisionRecord> decisions = new ArrayList<>();
        Reconciler controller = Reconciler.builder(cluster, cluster, new SimClock(cluster::nowEpochMs))
                .catalog(scenario.catalog()).rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(decisions)).build();
        for (int s = 0; s < 90; s++) {
            controller.pass();
            cluster.advanceWindow();
        }
        assertEquals(Optional.of("pi-1/tpu0"), cluster.snapshot().app("a").flatMap(RunningApp::accelerator));
        assertEquals(Optional.of("pi-2/tpu0"), cluster.snapshot().app("b").flatMap(RunningApp::accelerator),
                "b alone on the idle Edge TPU");
        List<DecisionRecord> aboutB = decisions.stream().filter(d -> d.app().equals("b")).toList();
        assertEquals(1, aboutB.size(), aboutB.toString());
        assertEquals("place", aboutB.get(0).action());
        assertTrue(aboutB.get(0).reason().startsWith("probation: learning the profile of fresh"), aboutB.get(0).reason());
        SimulatedCluster.AppVerdict b = cluster.verdicts().stream().filter(v -> v.app().equals("b")).findFirst().orElseThrow();
        assertTrue(b.judgedSeconds() > 0, "the simulator runs and judges b by its own figures");
        assertEquals(0, b.violationSeconds(), "20 ms a request at 5 req/s alone keeps a 300 ms mean");
    }

    @Test
    void evaluateRefusesTheScenarioInOneLineBeforeWritingAnything() throws Exception {
        Path scenario = file(SCENARIO);
        Path printed = scenario.resolveSibling("printed.yaml");
        UsageException e = assertThrows(UsageException.class, () -> PureCommands.evaluate(List.of("--scenario",
                scenario.toString(), "--strategies", "perch", "--print-scenario", printed.toString())));
        assertEquals("evaluate plans from profiles only; model fresh has none (profiled: false) in scenario unprofiled-test:"
                + " run it in demo", e.getMessage());
        assertFalse(Files.exists(printed), "refused before --print-scenario");
        assertEquals(2, PerchMain.BAD_INPUT, "a UsageException is exit 2");

        String two = SCENARIO.replace("  - {app: b,", "  - {app: c, model: other, ratePerSec: 1, sloMs: 300}\n  - {app: b,")
                .replace("apps:", "  other: {profiled: false, edgetpu: {serviceMs: 9}}\napps:");
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> EvaluateCommand.evaluate(
                ScenarioReader.parse(two, "two.yaml"), List.of("first-fit"), 1, PlacementPolicy.DEFAULT));
        assertEquals("evaluate plans from profiles only; models other, fresh have none (profiled: false) in scenario"
                + " unprofiled-test: run it in demo", both.getMessage());
    }

    @Test
    void evaluateStillRunsAScenarioWhoseUnprofiledModelNoAppUses() throws Exception {
        Path scenario = file(SCENARIO.replace("  - {app: b, model: fresh, ratePerSec: 5, sloMs: 300, sloStatistic: mean}\n", ""));
        JsonNode report = Json.read(capture(() -> PureCommands.evaluate(List.of("--scenario", scenario.toString(),
                "--strategies", "perch"))), JsonNode.class);
        assertEquals(1, report.get("strategies").get(0).get("appsPlaced").asInt(), report.toString());
    }

    @Test
    void validateSaysTheModelIsUnprofiledWhereItHasNoProfile() throws Exception {
        Path scenario = file(SCENARIO);
        Path recording = scenario.resolveSibling("recording.csv");
        Files.writeString(recording, """
                app,model,accelerator,acceleratorType,arrivalMs,completionMs
                b,fresh,pi-1/tpu0,edgetpu,0,25
                b,fresh,pi-1/tpu0,edgetpu,100,121
                a,known,pi-2/tpu0,edgetpu,0,6
                a,known,pi-2/tpu0,edgetpu,100,105
                """);
        JsonNode report = Json.read(capture(() -> PureCommands.validate(List.of("--recording", recording.toString(),
                "--catalog", scenario.toString()))), JsonNode.class);
        JsonNode b = point(report, "b");
        assertEquals("no profile in the catalog for fresh (unprofiled: profiled: false) on edgetpu", b.get("note").asText());
        assertFalse(b.hasNonNull("predicted"), b.toString());
        assertTrue(point(report, "a").get("predicted").has("meanMs"), "the profiled model is predicted");
    }

    @Test
    void printScenarioWritesTheMarkAndTheDemoRunsWhatItWrote() throws Exception {
        Path scenario = file(SCENARIO);
        Path printed = scenario.resolveSibling("printed.yaml");
        PipelineCommands.DemoStart start = PipelineCommands.demoStart(List.of("--scenario", scenario.toString(),
                "--print-scenario", printed.toString()));
        assertTrue(Files.readString(printed).contains("profiled: false"));
        Scenario read = ScenarioReader.load(printed.toString());
        assertEquals(ScenarioReader.load(scenario.toString()), read);
        assertFalse(read.catalog().knows("fresh"));
        assertEquals(read, ScenarioReader.load(start.properties().get("perch.scenario")));
    }

    private static JsonNode point(JsonNode report, String app) {
        for (JsonNode point : report.get("points")) {
            if (point.get("app").asText().equals(app)) {
                return point;
            }
        }
        throw new AssertionError("no point for " + app + " in " + report);
    }

    private static String capture(Runnable command) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            command.run();
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.strip().lines().count(), out);
        return out;
    }
}
