package dev.perch.model.profile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scenario's model marked {@code profiled: false}: the simulator has its figures, Perch's catalog
 * has not; read, refused where Perch could not have acted on it, and written back.
 */
class UnprofiledModelsTest {
    private static final String SCENARIO = """
            name: u
            networkMs: 10
            nodes:
              - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu, gpu], frontendServiceMs: 20}
            models:
              known: {edgetpu: {serviceMs: 5, swapMs: 10, memoryMb: 100}}
              fresh: {profiled: false, edgetpu: {serviceMs: 42.5, swapMs: 11, memoryMb: 120, source: the team's bench}}
            apps:
              - {app: a, model: known, ratePerSec: 5, sloMs: 300, sloStatistic: mean}
              - {app: b, model: fresh, ratePerSec: 2, sloMs: 300, sloStatistic: p95}
            """;

    private static final ModelProfile FRESH = new ModelProfile(42.5, 11, 120, "the team's bench");

    @Test
    void perchsCatalogLacksTheModelAndTheSimulatorRunsItByItsFigures() {
        Scenario scenario = ScenarioReader.parse(SCENARIO, "u.yaml");
        assertEquals(Set.of("known"), scenario.catalog().models().keySet(), "Perch is given the profiled model only");
        assertFalse(scenario.catalog().knows("fresh"));
        assertEquals(Map.of("fresh", Map.of(AcceleratorType.EDGETPU, FRESH)), scenario.unprofiledModels().models());
        assertEquals(Optional.of(FRESH), scenario.simulatorProfile("fresh", AcceleratorType.EDGETPU));
        assertEquals(Optional.empty(), scenario.simulatorProfile("fresh", AcceleratorType.GPU));
        assertEquals(Optional.of(new ModelProfile(5, 10, 100, "")), scenario.simulatorProfile("known", AcceleratorType.EDGETPU));
        assertEquals(Set.of("fresh"), scenario.unprofiledModelsInUse());
        assertEquals("fresh", scenario.apps().get(1).model());
    }

    @Test
    void profiledTrueIsTheDefaultSpeltOut() {
        Scenario spelt = ScenarioReader.parse(SCENARIO.replace("known: {edgetpu", "known: {profiled: true, edgetpu"), "u.yaml");
        assertEquals(ScenarioReader.parse(SCENARIO, "u.yaml"), spelt);
        Scenario allProfiled = ScenarioReader.parse(SCENARIO.replace("profiled: false", "profiled: true"), "u.yaml");
        assertTrue(allProfiled.catalog().knows("fresh"));
        assertEquals(Set.of(), allProfiled.unprofiledModelsInUse());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "profiled: maybe|models.fresh.profiled: must be true or false, got 'maybe'",
            "profiled: 'false'|models.fresh.profiled: must be true or false, got 'false'",
            "profiled: 0|models.fresh.profiled: must be true or false, got '0'",
            "profiled: false, gpu: {serviceMs: 7}, edgetpu: {serviceMs: 1}|apps[1].runningOn",
            "profiled: false, edgetpu: {serviceMs: 42.5, swapMs: -1}|models.fresh.edgetpu.swapMs: must be >= 0, got -1",
    })
    void aBadMarkOrFigureIsRefusedInOneLineWithTheField(String mark, String expected) {
        String yaml = SCENARIO.replace("profiled: false, edgetpu: {serviceMs: 42.5, swapMs: 11, memoryMb: 120, source: the team's bench}",
                mark);
        if (expected.startsWith("apps[1].runningOn")) {
            yaml = yaml.replace("sloStatistic: p95}", "sloStatistic: p95, runningOn: pi-1/gpu0}");
        }
        String source = yaml;
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioReader.parse(source, "bad.yaml"));
        assertTrue(e.getMessage().startsWith("bad.yaml: " + expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }

    @Test
    void anAppOfAnUnprofiledModelCannotBeRunningAtTheStartForPerchCouldNotHavePlacedIt() {
        String yaml = SCENARIO.replace("sloStatistic: p95}", "sloStatistic: p95, runningOn: pi-1/tpu0}");
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioReader.parse(yaml, "bad.yaml"));
        assertEquals("bad.yaml: apps[1].runningOn: model 'fresh' is profiled: false, so Perch could not have placed app 'b':"
                + " leave runningOn out (it waits for a profile)", e.getMessage());
        // The app of the profiled model may still start placed.
        assertEquals("pi-1/tpu0", ScenarioReader.parse(SCENARIO.replace("sloStatistic: mean}",
                "sloStatistic: mean, runningOn: pi-1/tpu0}"), "u.yaml").apps().get(0).runningOn());
    }

    @Test
    void anUnprofiledModelWithoutFiguresIsRefusedForTheSimulatorCouldNotRunIt() {
        String yaml = SCENARIO.replace("{profiled: false, edgetpu: {serviceMs: 42.5, swapMs: 11, memoryMb: 120, source: the team's bench}}",
                "{profiled: false}");
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioReader.parse(yaml, "bad.yaml"));
        assertEquals("bad.yaml: apps[1].model: model 'fresh' has no figures (the simulator runs a profiled: false model by them)"
                + " for any accelerator type", e.getMessage());
    }

    @Test
    void aCatalogHoldsWhatPerchKnowsSoItRefusesTheMark() throws Exception {
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioReader.parseCatalog(SCENARIO, "ConfigMap perch-catalog"));
        assertTrue(e.getMessage().startsWith("ConfigMap perch-catalog: models.fresh.profiled: a catalog holds what Perch knows"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertTrue(ScenarioReader.parseCatalog(SCENARIO.replace("profiled: false", "profiled: true"), "c").knows("fresh"));

        Path file = Files.createTempFile("scenario", ".yaml");
        Files.writeString(file, SCENARIO);
        ScenarioModels models = ScenarioReader.loadModels(file);
        assertEquals(Set.of("known"), models.profiled().models().keySet());
        assertEquals(Set.of("fresh"), models.unprofiled().models().keySet());
    }

    @Test
    void theWriterMarksTheModelAndItReadsBackTheSame() {
        Scenario scenario = ScenarioReader.parse(SCENARIO, "u.yaml");
        String written = ScenarioWriter.write(scenario);
        assertTrue(written.contains("""
                  fresh:
                    profiled: false
                    edgetpu:
                      serviceMs: 42.5
                """), written);
        assertFalse(written.contains("profiled: true"), "a profiled model is written as it always was");
        Scenario read = ScenarioReader.parse(written, "written.yaml");
        assertEquals(scenario.catalog(), read.catalog());
        assertEquals(scenario.unprofiledModels(), read.unprofiledModels());
        assertEquals(scenario.apps(), read.apps());
        assertEquals(scenario, read);
    }

    @Test
    void aModelIsEitherProfiledOrNot() {
        ProfileCatalog both = new ProfileCatalog(Map.of("m", Map.of(AcceleratorType.GPU, new ModelProfile(1, 0, 0, ""))));
        Scenario base = ScenarioReader.parse(SCENARIO, "u.yaml");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Scenario("x", 0, base.nodes(), both,
                List.of(), 1, both));
        assertEquals("model 'm' is both profiled and unprofiled", e.getMessage());
        assertEquals(base.unprofiledModels(), base.withApps(List.of()).unprofiledModels(), "a copy with other apps keeps them");
    }
}
