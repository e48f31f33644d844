package dev.perch.placement;

import dev.perch.cli.EvaluateCommand;
import dev.perch.cli.EvaluateCommandAccess;
import dev.perch.controller.ControllerSettings;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrategiesTest {
    private static final String TWO_NODES = """
            networkMs: 10
            nodes:
              - {node: pi-1, memoryMb: 1000, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
              - {node: nano-1, memoryMb: 4096, acceleratorTypes: [gpu], frontendServiceMs: 24}
            apps:
            """;

    private static Scenario scenario(String apps) {
        return ScenarioReader.parse(TWO_NODES + apps, "test");
    }

    private static Placement cluster(String apps) {
        return Placement.of(EvaluateCommandAccess.initial(scenario(apps)));
    }

    private static Strategy.Online online(String name) {
        return (Strategy.Online) Strategies.create(name, PlacementPolicy.DEFAULT);
    }

    /**
     * The registry holds the strategies Perch is compared with; {@code perch} is no longer one of
     * them ({@code evaluate} runs the controller for it), but {@code evaluate} still knows it by name,
     * in the same place among the others.
     */
    @Test
    void theRegistryKnowsEveryStrategyByNameAndRefusesOthers() {
        assertEquals(List.of("knapsack-first", "knapsack-best", "knapsack-worst", "ibis-bfs", "ibis-dfs", "perch", "oracle"),
                EvaluateCommand.strategyNames());
        assertEquals(List.of("knapsack-first", "knapsack-best", "knapsack-worst", "ibis-bfs", "ibis-dfs", "oracle"),
                Strategies.names());
        for (String name : Strategies.names()) {
            assertEquals(name, Strategies.create(name, PlacementPolicy.DEFAULT).name());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Strategies.create("greedy", PlacementPolicy.DEFAULT));
        assertTrue(e.getMessage().startsWith("unknown strategy 'greedy'"));
        IllegalArgumentException perch = assertThrows(IllegalArgumentException.class,
                () -> Strategies.create("perch", PlacementPolicy.DEFAULT));
        assertTrue(perch.getMessage().startsWith("unknown strategy 'perch'"), perch.getMessage());
    }

    @Test
    void knapsackRejectsOnlyWhenMemoryIsShort() {
        // pi-1 has 800 MB usable; each Edge TPU app takes 100 MB + a 75 MB front end: four fit, the fifth not.
        StringBuilder apps = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            apps.append("  - {app: a").append(i).append(", model: inception_v4, ratePerSec: 30, sloMs: 100, sloStatistic: mean}\n");
        }
        Placement cluster = cluster(apps.toString());
        Strategy.Online knapsack = online("knapsack-first");
        for (int i = 0; i < 4; i++) {
            assertInstanceOf(Strategy.Offer.Placed.class, knapsack.offer(cluster, "a" + i), "a" + i);
        }
        assertInstanceOf(Strategy.Offer.Rejected.class, knapsack.offer(cluster, "a4"),
                "memory is short, although 30 req/s of Inception-V4 already overloads the device");
    }

    /** The baselines driven by models refuse the offer; Perch's admission finds no room, and the controller places nothing. */
    @Test
    void modelDrivenStrategiesRefuseWhatWouldBreakAnSlo() {
        Scenario scenario = scenario("  - {app: a, model: inception_v4, ratePerSec: 30, sloMs: 300, sloStatistic: mean}\n");
        Placement cluster = Placement.of(EvaluateCommandAccess.initial(scenario));
        for (String name : List.of("ibis-bfs", "ibis-dfs")) {
            assertInstanceOf(Strategy.Offer.Rejected.class, online(name).offer(cluster, "a"), name);
            assertEquals(0, cluster.placedCount(), name + " leaves a rejected offer's placement as it was");
        }
        MigrationPlanner.Admission admission = new MigrationPlanner(PlacementPolicy.DEFAULT, 3).admit(cluster.snapshot(), "a",
                Set.of(), Map.of());
        assertInstanceOf(MigrationPlanner.Admission.NoRoom.class, admission, "perch's admission: " + admission);
        Map<String, String> perch = EvaluateCommandAccess.placedByController(scenario, 1, ControllerSettings.DEFAULT);
        assertFalse(perch.containsKey("a"), "perch (the controller) places nothing: " + perch);
    }

    /**
     * The paper's policies cap an accelerator at the paper's 0.8 of the utilisation the paper's model
     * predicts, whatever cap Perch's policy sets (0.6 would refuse the first app below, 0.9 place the
     * second): one EfficientNet-L app alone on an Edge TPU (no swaps) uses rate × 42.18 ms of it,
     * 0.76 at 18 req/s and 0.84 at 20.
     */
    @Test
    void thePapersPoliciesKeepThePapersCapWhateverPerchsPolicySays() {
        PlacementPolicy tighter = new PlacementPolicy(0.8, 0.6, 75, 0.2, 0.99, 10, 0.03, 0.35);
        PlacementPolicy looser = new PlacementPolicy(0.8, 0.9, 75, 0.2, 0.99, 10, 0.03, 0.35);
        for (String name : List.of("ibis-bfs", "ibis-dfs")) {
            for (PlacementPolicy policy : List.of(PlacementPolicy.DEFAULT, tighter, looser)) {
                Strategy.Online strategy = (Strategy.Online) Strategies.create(name, policy);
                Placement under = cluster("  - {app: a, model: efficientnet-L, ratePerSec: 18, sloMs: 100000, sloStatistic: mean}\n");
                assertInstanceOf(Strategy.Offer.Placed.class, strategy.offer(under, "a"), name + ", 0.76 of the Edge TPU");
                Placement over = cluster("  - {app: a, model: efficientnet-L, ratePerSec: 20, sloMs: 100000, sloStatistic: mean}\n");
                assertInstanceOf(Strategy.Offer.Rejected.class, strategy.offer(over, "a"), name + ", 0.84 of the Edge TPU");
            }
        }
    }

    @Test
    void onTheMixedClusterTheSimulatorSeesNoViolationFromModelDrivenPlacement() {
        Scenario mixed = ScenarioReader.load("mixed", 1);
        var report = dev.perch.cli.EvaluateCommandAccess.evaluate(mixed, List.of("knapsack-first", "ibis-bfs", "perch"), 1);
        var knapsack = report.strategies().get(0);
        var ibis = report.strategies().get(1);
        var perch = report.strategies().get(2);
        assertEquals(0, perch.appsViolating(), "perch");
        assertEquals(0, ibis.appsViolating(), "ibis-bfs");
        assertTrue(knapsack.appsViolating() > 0, "memory-only packing overloads devices");
        assertTrue(perch.appsPlaced() >= 2 * knapsack.appsBeforeFirstViolation(), report.toString());
    }
}
