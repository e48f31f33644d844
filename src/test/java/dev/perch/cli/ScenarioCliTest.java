package dev.perch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioException;
import dev.perch.model.profile.ScenarioGenerator;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenarios you can reproduce: a generated scenario's draw seed in its name ({@code small:3}),
 * {@code --seed} the simulator's, and {@code --print-scenario FILE} writing what ran so that
 * {@code --scenario FILE} runs it again.
 */
class ScenarioCliTest {
    private static final String STRATEGIES = "knapsack-first,ibis-bfs";

    @Test
    void evaluateOnThePrintedScenarioGivesTheSameReportAsOnTheGeneratedName() throws Exception {
        Path file = Files.createTempDirectory("printed").resolve("small-3.yaml");
        JsonNode generated = evaluate("--scenario", "small:3", "--strategies", STRATEGIES, "--print-scenario", file.toString());
        assertEquals("small:3", generated.get("scenario").asText(), "the report says which scenario ran");
        assertEquals(1, generated.get("seed").asLong(), "the simulator's seed, 1 by default");

        Scenario printed = ScenarioReader.load(file.toString());
        Scenario drawn = ScenarioGenerator.generate("small", 3, ScenarioReader.defaultCatalog());
        assertEquals(drawn.nodes(), printed.nodes());
        assertEquals(drawn.catalog(), printed.catalog());
        assertEquals(drawn.apps(), printed.apps());
        assertEquals(drawn, printed);

        JsonNode fromFile = evaluate("--scenario", file.toString(), "--strategies", STRATEGIES);
        assertEquals(withoutTimings(generated), withoutTimings(fromFile));
        assertTrue(generated.get("strategies").get(0).get("appsPlaced").asInt() > 0, generated.toString());
    }

    @Test
    void evaluateWithABareGeneratedNameStillDrawsItWithSeed() throws Exception {
        Path dir = Files.createTempDirectory("printed");
        JsonNode bare = evaluate("--scenario", "small", "--seed", "3", "--strategies", STRATEGIES,
                "--print-scenario", dir.resolve("bare.yaml").toString());
        JsonNode named = evaluate("--scenario", "small:3", "--seed", "3", "--strategies", STRATEGIES);
        assertEquals(withoutTimings(named), withoutTimings(bare));
        assertEquals("small:3", bare.get("scenario").asText());
        assertEquals(ScenarioGenerator.generate("small", 3, ScenarioReader.defaultCatalog()),
                ScenarioReader.load(dir.resolve("bare.yaml").toString()));
    }

    @Test
    void demoPrintsTheScenarioTheSimulatedClusterWillLoadAndSeedsOnlyTheSimulator() throws Exception {
        Path file = Files.createTempDirectory("printed").resolve("random-7.yaml");
        PipelineCommands.DemoStart start = PipelineCommands.demoStart(List.of("--scenario", "random:7", "--seed", "5",
                "--print-scenario", file.toString()));
        assertEquals("random:7", start.properties().get("perch.scenario"));
        assertEquals("5", start.properties().get("perch.seed"));
        Scenario drawn = ScenarioGenerator.generate("random", 7, ScenarioReader.defaultCatalog());
        assertEquals(drawn, ScenarioReader.load(file.toString()));
        // The simulated cluster loads perch.scenario as ClusterProducers does: the scenario printed.
        assertEquals(drawn, ScenarioReader.load(start.properties().get("perch.scenario")));

        // --seed does not draw: the bare name is random:1 whatever the simulator's seed, as it always was.
        PipelineCommands.DemoStart bare = PipelineCommands.demoStart(List.of("--scenario", "random", "--seed", "5",
                "--print-scenario", file.toString()));
        assertEquals(ScenarioGenerator.generate("random", 1, ScenarioReader.defaultCatalog()), ScenarioReader.load(file.toString()));
        assertNotEquals(drawn, ScenarioReader.load(bare.properties().get("perch.scenario")));

        PipelineCommands.demoStart(List.of("--scenario", "boost", "--print-scenario", file.toString()));
        assertEquals(ScenarioReader.load("boost"), ScenarioReader.load(file.toString()), "a shipped file scenario too");
    }

    @Test
    void badScenarioNamesAndUnwritableFilesAreBadInputInOneLine() throws Exception {
        for (String bad : List.of("random:x", "random:-1", "default:3")) {
            ScenarioException e = assertThrows(ScenarioException.class,
                    () -> PipelineCommands.demoStart(List.of("--scenario", bad)));
            assertTrue(e.getMessage().startsWith(bad + ": "), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
        Path notADirectory = Files.createTempFile("plain", ".txt");
        UsageException e = assertThrows(UsageException.class, () -> PipelineCommands.demoStart(List.of("--scenario", "small:1",
                "--print-scenario", notADirectory.resolve("x.yaml").toString())));
        assertTrue(e.getMessage().startsWith("--print-scenario: cannot write " + notADirectory.resolve("x.yaml")), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());

        Path untouched = Files.createTempDirectory("printed").resolve("never.yaml");
        assertThrows(UsageException.class, () -> PipelineCommands.demoStart(List.of("--scenario", "small:1", "--speed", "fast",
                "--print-scenario", untouched.toString())));
        assertFalse(Files.exists(untouched), "bad input writes nothing");
    }

    @Test
    void theUsageShowsTheNewForms() {
        String usage = Usage.text();
        assertEquals(2, usage.split("\\[--print-scenario FILE]", -1).length - 1, "demo and evaluate: " + usage);
        assertEquals(2, usage.split("--scenario NAME\\|NAME:N\\|FILE", -1).length - 1, usage);
    }

    private static JsonNode evaluate(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "evaluate";
        System.arraycopy(args, 0, all, 1, args.length);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            PerchMain.main(all);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.strip().lines().count(), out);
        return Json.read(out, JsonNode.class);
    }

    /** The report without {@code decisionMs}, the one figure measured on the clock. */
    private static JsonNode withoutTimings(JsonNode report) {
        JsonNode copy = report.deepCopy();
        copy.get("strategies").forEach(s -> ((ObjectNode) s).remove("decisionMs"));
        return copy;
    }

    @Test
    void agentTelemetryIsRefusedWhereItCannotRunBeforeAnythingStarts() {
        assertEquals("--telemetry agent runs at --speed 1 only: the agents window wall-clock seconds, got --speed max",
                assertThrows(UsageException.class, () -> PipelineCommands.demoStart(List.of("--telemetry", "agent", "--speed", "max")))
                        .getMessage());
        assertEquals("--telemetry agent runs at --speed 1 only: the agents window wall-clock seconds, got --speed 2",
                assertThrows(UsageException.class, () -> PipelineCommands.demoStart(List.of("--telemetry", "agent", "--speed", "2")))
                        .getMessage());
        int nodes = ScenarioReader.load("mixed-100").nodes().size();
        assertEquals("--telemetry agent runs an agent per node in one process, at most 20 nodes; the scenario has " + nodes,
                assertThrows(UsageException.class, () -> PipelineCommands.demoStart(List.of("--telemetry", "agent",
                        "--scenario", "mixed-100"))).getMessage());
        assertEquals("--telemetry must be direct or agent, got 'kafka'",
                assertThrows(UsageException.class, () -> PipelineCommands.demoStart(List.of("--telemetry", "kafka"))).getMessage());
        assertEquals("agent", PipelineCommands.demoStart(List.of("--telemetry", "agent")).properties().get("perch.telemetry.via"));
    }
}
