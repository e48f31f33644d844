package dev.perch.model.profile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test generator of scenarios with unprofiled models: what it promises its users, on many draws. */
class UnprofiledScenariosTest {
    private static final long SEEDS = 25;

    /** The accelerators of a scenario, by id, with their types: from the nodes as written, not from the generator. */
    private static Map<String, AcceleratorType> accelerators(Scenario scenario) {
        Map<String, AcceleratorType> byId = new java.util.LinkedHashMap<>();
        for (NodeSpec node : scenario.nodes()) {
            for (int i = 0; i < node.acceleratorIds().size(); i++) {
                byId.put(node.acceleratorIds().get(i), node.acceleratorTypes().get(i));
            }
        }
        return byId;
    }

    private static Set<String> idle(Scenario scenario) {
        Set<String> idle = new HashSet<>(accelerators(scenario).keySet());
        scenario.apps().forEach(a -> idle.remove(a.runningOn()));
        return idle;
    }

    @ParameterizedTest(name = "{0} Edge TPUs, {1} GPUs")
    @CsvSource({"2,1", "3,2", "1,3", "4,0", "0,3", "6,2"})
    void theIdleVariantHasExactlyOneIdleAcceleratorOfEachType(int edgeTpus, int gpus) {
        for (long seed = 0; seed < SEEDS; seed++) {
            Scenario scenario = UnprofiledScenarios.generate(seed, edgeTpus, gpus, UnprofiledScenarios.Start.IDLE).read();
            Map<String, AcceleratorType> accelerators = accelerators(scenario);
            assertEquals(edgeTpus + gpus, accelerators.size());
            Map<AcceleratorType, Long> idleByType = idle(scenario).stream()
                    .collect(Collectors.groupingBy(accelerators::get, Collectors.counting()));
            Map<AcceleratorType, Long> expected = new java.util.EnumMap<>(AcceleratorType.class);
            if (edgeTpus > 0) {
                expected.put(AcceleratorType.EDGETPU, 1L);
            }
            if (gpus > 0) {
                expected.put(AcceleratorType.GPU, 1L);
            }
            assertEquals(expected, idleByType, "seed " + seed);
            assertTrue(scenario.apps().stream().anyMatch(a -> a.runningOn() != null), "some profiled apps run: seed " + seed);
        }
    }

    @ParameterizedTest(name = "{0} Edge TPUs, {1} GPUs")
    @CsvSource({"1,1", "2,1", "3,2", "4,0", "0,2"})
    void theBusyVariantHasNoIdleAccelerator(int edgeTpus, int gpus) {
        for (long seed = 0; seed < SEEDS; seed++) {
            Scenario scenario = UnprofiledScenarios.generate(seed, edgeTpus, gpus, UnprofiledScenarios.Start.BUSY).read();
            assertEquals(Set.of(), idle(scenario), "seed " + seed);
            Map<String, AcceleratorType> accelerators = accelerators(scenario);
            for (AppSpec app : scenario.apps()) {
                if (app.runningOn() != null) {
                    assertTrue(scenario.catalog().profile(app.model(), accelerators.get(app.runningOn())).isPresent(),
                            app + " runs on a type its model is profiled for");
                }
            }
        }
    }

    @Test
    void itReadsBackAsTheScenarioDrawnAndFromAFileToo() throws Exception {
        for (UnprofiledScenarios.Start start : UnprofiledScenarios.Start.values()) {
            for (long seed = 0; seed < SEEDS; seed++) {
                UnprofiledScenarios.Generated generated = UnprofiledScenarios.generate(seed, 3, 2, start);
                assertEquals(generated.drawn(), generated.read(), start + " seed " + seed);
                assertEquals(generated.read(), ScenarioReader.parse(generated.yaml(), "again"));
            }
        }
        UnprofiledScenarios.Generated generated = UnprofiledScenarios.generate(7, 2, 1, UnprofiledScenarios.Start.IDLE);
        Path file = generated.writeTo(Files.createTempFile("unprofiled", ".yaml"));
        assertEquals(generated.read(), ScenarioReader.load(file.toString()));
        assertTrue(generated.yaml().contains("profiled: false"), generated.yaml());
    }

    @Test
    void theUnprofiledModelsAreOnePerTypeNotInTheCatalogWithFiguresWithinTheMeasuredRanges() {
        ProfileCatalog shipped = ScenarioReader.defaultCatalog();
        Set<Double> tpuServices = new HashSet<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            Scenario scenario = UnprofiledScenarios.generate(seed, 2, 2, UnprofiledScenarios.Start.IDLE).read();
            Set<String> unprofiled = scenario.unprofiledModelsInUse();
            assertEquals(2, unprofiled.size(), "seed " + seed);
            for (String model : unprofiled) {
                assertFalse(shipped.knows(model), model + " is in the shipped catalog");
                assertFalse(scenario.catalog().knows(model), model + " is in Perch's catalog of the scenario");
                assertEquals(1, scenario.unprofiledModels().typesFor(model).size(), model);
            }
            Set<AcceleratorType> types = unprofiled.stream().flatMap(m -> scenario.unprofiledModels().typesFor(m).stream())
                    .collect(Collectors.toSet());
            assertEquals(Set.of(AcceleratorType.EDGETPU, AcceleratorType.GPU), types, "one model per type: seed " + seed);
            // The ranges of the Ibis measurements (the trace table's S and O on the Edge TPU; the placement
            // workloads' service rates and backend memory on the Jetson Nano).
            ModelProfile tpu = scenario.simulatorProfile("fresh-edgetpu", AcceleratorType.EDGETPU).orElseThrow();
            assertTrue(tpu.serviceMs() >= 4.55 && tpu.serviceMs() <= 125.13, tpu.toString());
            assertTrue(tpu.swapMs() >= 10.43 && tpu.swapMs() <= 24.63, tpu.toString());
            assertEquals(100, tpu.memoryMb());
            ModelProfile gpu = scenario.simulatorProfile("fresh-gpu", AcceleratorType.GPU).orElseThrow();
            assertTrue(gpu.serviceMs() >= 1000 / 92.3 - 0.01 && gpu.serviceMs() <= 1000 / 32.72 + 0.01, gpu.toString());
            assertTrue(gpu.memoryMb() >= 700 && gpu.memoryMb() <= 1130, gpu.toString());
            tpuServices.add(tpu.serviceMs());
            for (AppSpec app : scenario.apps()) {
                if (unprofiled.contains(app.model())) {
                    assertNull(app.runningOn(), "waits to be placed: " + app);
                    assertEquals(scenario.unprofiledModels().typesFor(app.model()), app.acceleratorTypes(), app.toString());
                    ModelProfile figures = scenario.simulatorProfile(app.model(), app.acceleratorTypes().iterator().next())
                            .orElseThrow();
                    assertTrue(app.sloMs() > 2 * (figures.serviceMs() + figures.swapMs() + 24 + 10),
                            "its SLO leaves room to share: " + app);
                } else {
                    assertTrue(shipped.knows(app.model()), app.toString());
                }
            }
        }
        assertTrue(tpuServices.size() > SEEDS / 2, "the seed draws the figures: " + tpuServices);
    }

    @Test
    void theSameSeedDrawsTheSameScenarioAndAnotherAnother() {
        String once = UnprofiledScenarios.generate(3, 2, 2, UnprofiledScenarios.Start.BUSY).yaml();
        assertEquals(once, UnprofiledScenarios.generate(3, 2, 2, UnprofiledScenarios.Start.BUSY).yaml());
        assertNotEquals(once, UnprofiledScenarios.generate(4, 2, 2, UnprofiledScenarios.Start.BUSY).yaml());
    }

    @Test
    void aClusterThatLeavesNoAcceleratorForTheProfiledAppsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> UnprofiledScenarios.generate(1, 1, 1, UnprofiledScenarios.Start.IDLE));
        assertThrows(IllegalArgumentException.class, () -> UnprofiledScenarios.generate(1, 0, 0, UnprofiledScenarios.Start.BUSY));
        assertEquals(List.of(), idle(UnprofiledScenarios.generate(1, 1, 0, UnprofiledScenarios.Start.BUSY).read()).stream().toList());
    }
}
