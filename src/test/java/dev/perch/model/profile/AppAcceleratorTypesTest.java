package dev.perch.model.profile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An app's {@code acceleratorTypes} in a scenario file: the types its owner built it for, read,
 * refused in one line where wrong, given from the model's entry to an app of a model nobody
 * profiled, and written back.
 */
class AppAcceleratorTypesTest {
    private static final String SCENARIO = """
            name: t
            networkMs: 10
            nodes:
              - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
              - {node: nano-1, memoryMb: 4096, acceleratorTypes: [gpu, cpu], frontendServiceMs: 24}
            models:
              both: {edgetpu: {serviceMs: 5, swapMs: 10, memoryMb: 100}, gpu: {serviceMs: 13, memoryMb: 900}}
              fresh: {profiled: false, edgetpu: {serviceMs: 33, swapMs: 20, memoryMb: 100}}
              fresh2: {profiled: false, edgetpu: {serviceMs: 33}, gpu: {serviceMs: 20}}
            apps:
              - {app: a, model: both, ratePerSec: 5, sloMs: 300, sloStatistic: mean}
              - {app: b, model: both, ratePerSec: 5, sloMs: 300, sloStatistic: mean, acceleratorTypes: [gpu]}
              - {app: c, model: fresh, ratePerSec: 2, sloMs: 300, sloStatistic: mean}
              - {app: d, model: fresh2, ratePerSec: 2, sloMs: 300, sloStatistic: mean}
              - {app: e, model: fresh2, ratePerSec: 2, sloMs: 300, sloStatistic: mean, acceleratorTypes: [gpu]}
            """;

    private static Map<String, Set<AcceleratorType>> typesByApp(Scenario scenario) {
        return scenario.apps().stream().collect(java.util.stream.Collectors.toMap(AppSpec::app, AppSpec::acceleratorTypes));
    }

    @Test
    void statedTypesAreReadAndAnUnprofiledModelsAppStatingNoneGetsItsEntrysTypes() {
        Scenario scenario = ScenarioReader.parse(SCENARIO, "t.yaml");
        assertEquals(Map.of(
                "a", Set.of(),                                          // profiled, none stated: any type
                "b", Set.of(AcceleratorType.GPU),
                "c", Set.of(AcceleratorType.EDGETPU),                   // fresh has figures for edgetpu only
                "d", Set.of(AcceleratorType.EDGETPU, AcceleratorType.GPU),
                "e", Set.of(AcceleratorType.GPU)), typesByApp(scenario));
        AppSpec c = scenario.apps().get(2);
        assertTrue(c.mayRunOn(AcceleratorType.EDGETPU));
        assertFalse(c.mayRunOn(AcceleratorType.GPU), "nobody profiled fresh on a GPU, nor built the app for one");
        assertFalse(c.mayRunOn(AcceleratorType.CPU));
        assertTrue(scenario.apps().get(0).mayRunOn(AcceleratorType.CPU));
    }

    @Test
    void theWriterWritesTheTypesAndTheScenarioReadsBackTheSame() {
        Scenario scenario = ScenarioReader.parse(SCENARIO, "t.yaml");
        String written = ScenarioWriter.write(scenario);
        assertTrue(written.contains("""
                  - app: b
                    model: both
                    ratePerSec: 5
                    sloMs: 300
                    sloStatistic: mean
                    sloWindowSec: 60
                    acceleratorTypes:
                      - gpu
                """), written);
        assertFalse(written.contains("  - app: a\n    model: both\n    ratePerSec: 5\n    sloMs: 300\n    sloStatistic: mean\n"
                + "    sloWindowSec: 60\n    acceleratorTypes"), "an app built for any type states none: " + written);
        Scenario read = ScenarioReader.parse(written, "written.yaml");
        assertEquals(scenario.apps(), read.apps());
        assertEquals(scenario, read);
    }

    @Test
    void aProfiledAppsTypesInTheOrderTheyComeWriteInTheEnumsOrder() {
        AppSpec app = new AppSpec("x", "both", 1, 100, SloStatistic.MEAN, AppSpec.DEFAULT_SLO_WINDOW_SEC, null, null, null,
                Set.of(AcceleratorType.CPU, AcceleratorType.EDGETPU));
        Scenario base = ScenarioReader.parse(SCENARIO, "t.yaml");
        Scenario scenario = base.withApps(List.of(app));
        String written = ScenarioWriter.write(scenario);
        assertTrue(written.contains("    acceleratorTypes:\n      - edgetpu\n      - cpu\n"), written);
        assertEquals(scenario, ScenarioReader.parse(written, "written.yaml"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a|acceleratorTypes: [tpu]|apps[0].acceleratorTypes[0]: unknown accelerator type 'tpu' (expected edgetpu, gpu or cpu)",
            "a|acceleratorTypes: [gpu, fpga]|apps[0].acceleratorTypes[1]: unknown accelerator type 'fpga' (expected edgetpu, gpu or cpu)",
            "a|acceleratorTypes: []|apps[0].acceleratorTypes: must list at least one accelerator type (leave it out for any)",
            "a|acceleratorTypes: gpu|apps[0].acceleratorTypes: must be a list",
            "a|acceleratorTypes: [cpu]|apps[0].acceleratorTypes: model 'both' has no profile for cpu, so the app could run nowhere"
                    + " (profiled for edgetpu, gpu)",
            "c|acceleratorTypes: [edgetpu, gpu]|apps[2].acceleratorTypes: model 'fresh' is profiled: false and has no figures for gpu"
                    + " (the simulator runs it by them): give them, or leave gpu out",
            "a|acceleratorTypes: [gpu], runningOn: pi-1/tpu0|apps[0].runningOn: pi-1/tpu0 is of type edgetpu, which app 'a' is not"
                    + " built for (acceleratorTypes: gpu)",
    })
    void aBadListIsRefusedInOneLineNamingTheField(String app, String field, String expected) {
        String yaml = SCENARIO.replace("{app: " + app + ", ", "{app: " + app + ", " + field + ", ");
        assertFalse(yaml.equals(SCENARIO));
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioReader.parse(yaml, "bad.yaml"));
        assertEquals("bad.yaml: " + expected, e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void anAppStartingOnATypeItIsBuiltForIsRead() {
        String yaml = SCENARIO.replace("{app: a, ", "{app: a, acceleratorTypes: [gpu, edgetpu], runningOn: pi-1/tpu0, ");
        AppSpec a = ScenarioReader.parse(yaml, "t.yaml").apps().get(0);
        assertEquals("pi-1/tpu0", a.runningOn());
        assertEquals(Set.of(AcceleratorType.EDGETPU, AcceleratorType.GPU), a.acceleratorTypes());
    }

    @Test
    void theUnprofiledScenariosNewAppMayRunOnTheEdgeTpuOnly() {
        Scenario scenario = ScenarioReader.load("unprofiled");
        AppSpec door = scenario.apps().stream().filter(a -> a.app().equals("door")).findFirst().orElseThrow();
        assertEquals(Set.of(AcceleratorType.EDGETPU), door.acceleratorTypes());
        assertEquals(Set.of("door-detector-v1"), scenario.unprofiledModelsInUse());
        assertFalse(ScenarioReader.defaultCatalog().knows("door-detector-v1"), "a new model id, not one of the catalog's");
    }
}
