package dev.perch.model.profile;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A scenario written as YAML and read back is the same scenario, app by app, node by node, catalog entry by entry. */
class ScenarioWriterTest {
    @Test
    void aSmallScenarioIsWrittenInTheScenarioFormat() {
        Scenario scenario = new Scenario("mine:3", 10,
                List.of(new NodeSpec("pi-1", 4096, List.of(AcceleratorType.EDGETPU), 20),
                        new NodeSpec("nano-1", 2048.5, List.of(AcceleratorType.GPU, AcceleratorType.CPU), 24)),
                new ProfileCatalog(Map.of("m", Map.of(AcceleratorType.EDGETPU, new ModelProfile(5.25, 10, 100, "measured")))),
                List.of(new AppSpec("a", "m", 0.1, 300, SloStatistic.P99,
                                new LoadTimeline(List.of(new LoadTimeline.LoadChange.Step(60, 8),
                                        new LoadTimeline.LoadChange.Ramp(120, 150, 12),
                                        new LoadTimeline.LoadChange.Diurnal(600, 0.3))), "pi-1/tpu0"),
                        new AppSpec("b", "m", 2, 200, SloStatistic.MEAN, LoadTimeline.constant()).withSloWindowSec(5)),
                120);
        // The format as DESIGN.md and the README spell it, written out by hand.
        assertEquals("""
                name: mine:3
                networkMs: 10
                lengthSec: 120
                nodes:
                  - node: pi-1
                    memoryMb: 4096
                    acceleratorTypes:
                      - edgetpu
                    frontendServiceMs: 20
                  - node: nano-1
                    memoryMb: 2048.5
                    acceleratorTypes:
                      - gpu
                      - cpu
                    frontendServiceMs: 24
                models:
                  m:
                    edgetpu:
                      serviceMs: 5.25
                      swapMs: 10
                      memoryMb: 100
                      source: measured
                apps:
                  - app: a
                    model: m
                    ratePerSec: 0.1
                    sloMs: 300
                    sloStatistic: p99
                    sloWindowSec: 60
                    load:
                      - step:
                          atSec: 60
                          ratePerSec: 8
                      - ramp:
                          fromSec: 120
                          toSec: 150
                          toRatePerSec: 12
                      - diurnal:
                          periodSec: 600
                          amplitude: 0.3
                    runningOn: pi-1/tpu0
                  - app: b
                    model: m
                    ratePerSec: 2
                    sloMs: 200
                    sloStatistic: mean
                    sloWindowSec: 5
                """, ScenarioWriter.write(scenario));
    }

    @Test
    void everyGeneratedScenarioReadsBackTheSame() {
        ProfileCatalog catalog = ScenarioReader.defaultCatalog();
        for (String name : List.of("small", "random", "mixed", "edgetpu-only", "gpu-only", "mixed-100")) {
            for (long seed : new long[]{1, 7}) {
                Scenario drawn = ScenarioGenerator.generate(name, seed, catalog);
                assertSame(drawn, ScenarioReader.parse(ScenarioWriter.write(drawn), "written.yaml"));
            }
        }
    }

    @Test
    void everyShippedScenarioFileReadsBackTheSame() {
        for (String name : List.of("default", "boost", "tiny-mixed", "quieting", "room", "unprofiled")) {
            Scenario shipped = ScenarioReader.load(name);
            assertSame(shipped, ScenarioReader.parse(ScenarioWriter.write(shipped), "written.yaml"));
        }
        assertTrue(ScenarioReader.load("default").apps().stream().anyMatch(a -> !a.load().changes().isEmpty()),
                "load timelines are among what is checked");
    }

    @Test
    void numbersAndStringsThatYamlWouldReadOtherwiseReadBackExactly() {
        ProfileCatalog catalog = new ProfileCatalog(Map.of("yes", Map.of(AcceleratorType.EDGETPU,
                new ModelProfile(1e-7, 1.0E10, 123456789012345678.0, "a: b # c\n'\"x")),
                "0x10", Map.of(AcceleratorType.GPU, new ModelProfile(1, 0, 0, ""))));
        Scenario scenario = new Scenario("null", 0.1 + 0.2,
                List.of(new NodeSpec("123", 4096.5, List.of(AcceleratorType.EDGETPU, AcceleratorType.EDGETPU), 1e20)),
                catalog,
                List.of(new AppSpec("true", "yes", 1.0 / 3, 300, SloStatistic.P95,
                                new LoadTimeline(List.of(new LoadTimeline.LoadChange.Step(1.5, 2))), "123/tpu1"),
                        new AppSpec("~", "yes", 0, 1e-300, SloStatistic.P50, null),
                        new AppSpec("0x10", "yes", Math.nextUp(2.0), 1.7976931348623157E308, SloStatistic.MEAN, null),
                        new AppSpec("1:30", "yes", 1, 1, SloStatistic.MEAN, null).withSloWindowSec(3600),
                        new AppSpec("w1", "yes", 1, 1, SloStatistic.MEAN, null).withSloWindowSec(1),
                        new AppSpec(".inf", "yes", 1, 1, SloStatistic.MEAN, null),
                        new AppSpec("Off", "yes", 1, 1, SloStatistic.MEAN, null),
                        new AppSpec("a:", "yes", 1, 1, SloStatistic.MEAN, null),
                        new AppSpec("- x #y", "yes", 1, 1, SloStatistic.MEAN, null),
                        new AppSpec("1_000", "yes", 1, 1, SloStatistic.MEAN, null),
                        new AppSpec("Ünïcode ✓", "yes", 1, 1, SloStatistic.MEAN, null)),
                1e-5);
        assertSame(scenario, ScenarioReader.parse(ScenarioWriter.write(scenario), "written.yaml"));
    }

    @Test
    void anAppPinnedToANodeCannotBeWrittenForTheFormatHasNoPins() {
        Scenario scenario = ScenarioReader.load("tiny-mixed");
        AppSpec first = scenario.apps().get(0);
        AppSpec pinned = new AppSpec(first.app(), first.model(), first.ratePerSec(), first.sloMs(), first.sloStatistic(),
                first.sloWindowSec(), first.load(), null, "pi-1");
        Scenario withPin = new Scenario(scenario.name(), scenario.networkMs(), scenario.nodes(), scenario.catalog(),
                List.of(pinned), scenario.lengthSec());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScenarioWriter.write(withPin));
        assertTrue(e.getMessage().contains("pinned"), e.getMessage());
    }

    /** Field by field first, so that a difference says where it is; then the whole. */
    private static void assertSame(Scenario expected, Scenario actual) {
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.networkMs(), actual.networkMs());
        assertEquals(expected.lengthSec(), actual.lengthSec());
        assertEquals(expected.nodes().size(), actual.nodes().size(), expected.name());
        for (int i = 0; i < expected.nodes().size(); i++) {
            assertEquals(expected.nodes().get(i), actual.nodes().get(i), expected.name() + " node " + i);
        }
        assertEquals(expected.catalog().models().keySet(), actual.catalog().models().keySet(), expected.name());
        expected.catalog().models().forEach((model, byType) ->
                assertEquals(byType, actual.catalog().models().get(model), expected.name() + " model " + model));
        assertEquals(expected.apps().size(), actual.apps().size(), expected.name());
        for (int i = 0; i < expected.apps().size(); i++) {
            assertEquals(expected.apps().get(i), actual.apps().get(i), expected.name() + " app " + i);
        }
        assertEquals(expected, actual);
    }
}
