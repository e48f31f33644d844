package dev.perch.model.profile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioReaderTest {
    private static final String GOOD = """
            name: t
            networkMs: 10
            nodes:
              - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
            models:
              m: {edgetpu: {serviceMs: 5, swapMs: 10, memoryMb: 100}}
            apps:
              - {app: a, model: m, ratePerSec: 5, sloMs: 300, sloStatistic: mean}
            """;

    @Test
    void everyBuiltInScenarioLoadsAndUsesOnlyProfiledModelsButTheUnprofiledOne() {
        for (String name : ScenarioReader.builtInNames()) {
            Scenario scenario = ScenarioReader.load(name);
            assertEquals(ScenarioGenerator.generates(name) ? name + ":1" : name, scenario.name());
            for (AppSpec app : scenario.apps()) {
                boolean unprofiled = name.equals("unprofiled") && app.app().equals("door");
                assertEquals(unprofiled, scenario.catalog().typesFor(app.model()).isEmpty(), name + " " + app.app());
            }
        }
    }

    @Test
    void theDefaultScenarioIsTheOneTheDemoPromises() {
        Scenario scenario = ScenarioReader.load("default");
        assertEquals(2, scenario.nodes().stream().filter(n -> n.acceleratorTypes().equals(java.util.List.of(AcceleratorType.EDGETPU))).count());
        assertEquals(2, scenario.nodes().stream().filter(n -> n.acceleratorTypes().equals(java.util.List.of(AcceleratorType.GPU))).count());
        assertTrue(scenario.nodes().stream().allMatch(n -> n.memoryMb() == 4096));
        assertEquals(8, scenario.apps().size());
        assertTrue(scenario.apps().stream().anyMatch(a -> a.rateAt(60) > a.rateAt(0)), "some app's load ramps");
    }

    @Test
    void theDefaultCatalogCarriesTheIbisFiguresWithSources() {
        ProfileCatalog catalog = ScenarioReader.defaultCatalog();
        ModelProfile inception = catalog.profile("inception_v4", AcceleratorType.EDGETPU).orElseThrow();
        assertEquals(125.13, inception.serviceMs());
        assertEquals(19.43, inception.swapMs());
        assertEquals(1000 / 32.72, catalog.profile("inception_v3", AcceleratorType.GPU).orElseThrow().serviceMs(), 0.01);
        assertTrue(catalog.models().values().stream().flatMap(m -> m.values().stream()).noneMatch(p -> p.source().isBlank()));
    }

    @Test
    void loadTimelinesStepRampAndWave() {
        Scenario scenario = ScenarioReader.parse(GOOD.replace("sloStatistic: mean}", """
                sloStatistic: mean, load: [{step: {atSec: 10, ratePerSec: 8}}, {ramp: {fromSec: 20, toSec: 30, toRatePerSec: 18}}]}"""), "t");
        AppSpec app = scenario.apps().get(0);
        assertEquals(5, app.rateAt(5));
        assertEquals(8, app.rateAt(15));
        assertEquals(13, app.rateAt(25), 1e-9);
        assertEquals(18, app.rateAt(100));
        LoadTimeline wave = new LoadTimeline(java.util.List.of(new LoadTimeline.LoadChange.Diurnal(100, 0.5)));
        assertEquals(15, wave.rateAt(10, 25), 1e-9);
        assertEquals(5, wave.rateAt(10, 75), 1e-9);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "model: m,|model: nope,|apps[0].model: unknown model 'nope'",
            "ratePerSec: 5|ratePerSec: -5|apps[0].ratePerSec: must be >= 0, got -5",
            "sloMs: 300|sloMs: 0|apps[0].sloMs: must be > 0, got 0",
            "sloStatistic: mean|sloStatistic: p42|apps[0].sloStatistic: unknown SLO statistic 'p42'",
            "[edgetpu]|[fpga]|nodes[0].acceleratorTypes[0]: unknown accelerator type 'fpga'",
            "memoryMb: 4096|memoryMb: lots|nodes[0].memoryMb: must be a number, got 'lots'",
            "m: {edgetpu: {serviceMs: 5, swapMs: 10, memoryMb: 100}}|m: []|models.m: must be a mapping",
            "apps:|appz:|appz: unknown field (known: apps, lengthSec, models, name, networkMs, nodes)",
            "sloStatistic: mean|sloStatisitc: mean|apps[0].sloStatisitc: unknown field (known: acceleratorTypes, app, load, model,",
            "sloStatistic: mean|sloStatistic: mean, sloWindowSec: 0|apps[0].sloWindowSec: must be a whole number of seconds from 1 to 3600 (app 'a'), got 0",
            "sloStatistic: mean|sloStatistic: mean, sloWindowSec: 3601|apps[0].sloWindowSec: must be a whole number of seconds from 1 to 3600 (app 'a'), got 3601",
            "sloStatistic: mean|sloStatistic: mean, sloWindowSec: -5|apps[0].sloWindowSec: must be a whole number of seconds from 1 to 3600 (app 'a'), got -5",
            "sloStatistic: mean|sloStatistic: mean, sloWindowSec: 1.5|apps[0].sloWindowSec: must be a whole number of seconds from 1 to 3600 (app 'a'), got 1.5",
            "sloStatistic: mean|sloStatistic: mean, sloWindowSec: 1.0e+12|apps[0].sloWindowSec: must be a whole number of seconds from 1 to 3600 (app 'a'), got 1.0E12",
            "sloStatistic: mean|sloStatistic: mean, sloWindowSec: 60s|apps[0].sloWindowSec: must be a whole number of seconds from 1 to 3600 (app 'a'), got '60s'",
            "sloStatistic: mean|sloStatistic: mean, sloWindowSec: true|apps[0].sloWindowSec: must be a whole number of seconds from 1 to 3600 (app 'a'), got 'true'",
            "sloStatistic: mean|sloStatistic: mean, sloWindowSecs: 30|apps[0].sloWindowSecs: unknown field (known: acceleratorTypes, app, load, model, ratePerSec, runningOn, sloMs, sloStatistic, sloWindowSec)",
            "swapMs: 10|swapms: 10|models.m.edgetpu.swapms: unknown field (known: memoryMb, serviceMs, source, swapMs)",
            "memoryMb: 4096|memoryMB: 4096|nodes[0].memoryMB: unknown field",
    })
    void badScenariosAreRefusedWithFileAndField(String from, String to, String expected) {
        String yaml = GOOD.replace(from, to);
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioReader.parse(yaml, "bad.yaml"));
        assertTrue(e.getMessage().startsWith("bad.yaml: " + expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }

    @Test
    void anAppStatesTheWindowItsSloIsJudgedOverOrGetsTheDefault() {
        assertEquals(AppSpec.DEFAULT_SLO_WINDOW_SEC, ScenarioReader.parse(GOOD, "t").apps().get(0).sloWindowSec());
        assertEquals(60, AppSpec.DEFAULT_SLO_WINDOW_SEC);
        for (int window : new int[]{1, 30, 3600}) {
            Scenario scenario = ScenarioReader.parse(GOOD.replace("sloStatistic: mean}",
                    "sloStatistic: mean, sloWindowSec: " + window + "}"), "t");
            assertEquals(window, scenario.apps().get(0).sloWindowSec());
        }
        assertEquals(120, ScenarioReader.parse(GOOD.replace("sloStatistic: mean}", "sloStatistic: mean, sloWindowSec: 120.0}"),
                "t").apps().get(0).sloWindowSec(), "a whole number written with a fraction is still whole");
        assertEquals(60, ScenarioReader.parse(GOOD.replace("sloStatistic: mean}", "sloStatistic: mean, sloWindowSec: null}"),
                "t").apps().get(0).sloWindowSec(), "null is absent");
    }

    @Test
    void shippedAndGeneratedScenariosKeepTheDefaultWindow() {
        // boost's interactive app states 10 s, the one shipped app that names a window.
        assertEquals(java.util.Map.of("efficientnet-s", 10, "mobilenet-v2", AppSpec.DEFAULT_SLO_WINDOW_SEC),
                ScenarioReader.load("boost").apps().stream().collect(java.util.stream.Collectors.toMap(AppSpec::app,
                        AppSpec::sloWindowSec)));
        for (String name : java.util.List.of("default", "tiny-mixed", "quieting", "room", "mixed:3", "random:7", "small:2")) {
            assertTrue(ScenarioReader.load(name).apps().stream().allMatch(a -> a.sloWindowSec() == AppSpec.DEFAULT_SLO_WINDOW_SEC),
                    name);
        }
    }

    @Test
    void anAppMayStartOnAKnownAcceleratorThatRunsItsModelOnly() {
        Scenario scenario = ScenarioReader.parse(GOOD.replace("sloStatistic: mean}", "sloStatistic: mean, runningOn: pi-1/tpu0}"), "t");
        assertEquals("pi-1/tpu0", scenario.apps().get(0).runningOn());
        ScenarioException unknown = assertThrows(ScenarioException.class, () -> ScenarioReader.parse(
                GOOD.replace("sloStatistic: mean}", "sloStatistic: mean, runningOn: pi-9/tpu0}"), "bad.yaml"));
        assertEquals("bad.yaml: apps[0].runningOn: unknown accelerator 'pi-9/tpu0' (known: pi-1/tpu0)", unknown.getMessage());
        ScenarioException unprofiled = assertThrows(ScenarioException.class, () -> ScenarioReader.parse(
                GOOD.replace("acceleratorTypes: [edgetpu]", "acceleratorTypes: [edgetpu, gpu]")
                        .replace("sloStatistic: mean}", "sloStatistic: mean, runningOn: pi-1/gpu0}"), "bad.yaml"));
        assertTrue(unprofiled.getMessage().startsWith("bad.yaml: apps[0].runningOn: model 'm' has no profile for gpu"),
                unprofiled.getMessage());
    }

    @Test
    void aModelWithoutAnyProfileIsRefused() {
        String yaml = GOOD.replace("m: {edgetpu: {serviceMs: 5, swapMs: 10, memoryMb: 100}}", "m: {}");
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioReader.parse(yaml, "bad.yaml"));
        assertEquals("bad.yaml: apps[0].model: model 'm' has no profile for any accelerator type", e.getMessage());
    }

    @Test
    void malformedYamlNamesTheLine() {
        ScenarioException e = assertThrows(ScenarioException.class,
                () -> ScenarioReader.parse("nodes: [\n  {node: a,\n", "broken.yaml"));
        assertTrue(e.getMessage().startsWith("broken.yaml: malformed YAML at line"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }

    @Test
    void aGeneratedScenarioIsDrawnWithTheSeedAfterItsColonAndNamedWithIt() {
        ProfileCatalog catalog = ScenarioReader.defaultCatalog();
        for (String name : ScenarioGenerator.names()) {
            if (name.equals("mixed-1000")) {
                continue; // 10,000 apps: the same code path, only slower
            }
            Scenario drawn = ScenarioReader.load(name + ":7", 3);
            assertEquals(name + ":7", drawn.name());
            assertEquals(ScenarioGenerator.generate(name, 7, catalog).apps(), drawn.apps(), name + ":7 ignores the fallback seed");
            assertEquals(ScenarioGenerator.generate(name, 7, catalog).nodes(), drawn.nodes(), name);
        }
        assertEquals("random:7", ScenarioReader.load("random:007").name(), "leading zeros are the same seed");
        assertEquals("small:0", ScenarioReader.load("small:0").name());
    }

    @Test
    void aGeneratedScenarioNamedWithoutASeedIsDrawnAsBefore() {
        ProfileCatalog catalog = ScenarioReader.defaultCatalog();
        // evaluate passes its --seed: "mixed" with --seed 3 is mixed:3, as it always drew it.
        Scenario evaluated = ScenarioReader.load("mixed", 3);
        assertEquals("mixed:3", evaluated.name());
        assertEquals(ScenarioGenerator.generate("mixed", 3, catalog).apps(), evaluated.apps());
        assertEquals(ScenarioReader.load("mixed:3"), evaluated);
        // demo passes nothing: seed 1, as it always drew it.
        assertEquals(ScenarioReader.load("small:1"), ScenarioReader.load("small"));
        assertTrue(!ScenarioReader.load("small:1").apps().equals(ScenarioReader.load("small:2").apps()), "seeds differ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "random:x|random:x: the draw seed after ':' must be a whole number from 0 to 999999999999999999, got 'x'",
            "random:-1|random:-1: the draw seed after ':' must be a whole number from 0 to 999999999999999999, got '-1'",
            "mixed:|mixed:: the draw seed after ':' must be a whole number from 0 to 999999999999999999, got ''",
            "small:1.5|small:1.5: the draw seed after ':' must be a whole number from 0 to 999999999999999999, got '1.5'",
            "mixed:9999999999999999999|mixed:9999999999999999999: the draw seed after ':' must be a whole number from 0",
            "default:3|default:3: scenario 'default' is not generated from a seed, so it takes no ':N' (generated: mixed,",
            "room:1|room:1: scenario 'room' is not generated from a seed, so it takes no ':N'",
    })
    void aBadDrawSeedOrASeedOnAScenarioThatIsNotDrawnIsRefusedInOneLine(String name, String expected) {
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioReader.load(name, 1));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }

    @Test
    void aFileWhoseNameHasAColonIsStillAFile() throws java.io.IOException {
        java.nio.file.Path file = java.nio.file.Files.createTempDirectory("scenarios").resolve("mine:3.yaml");
        java.nio.file.Files.writeString(file, GOOD);
        assertEquals("t", ScenarioReader.load(file.toString()).name());
    }

    @Test
    void aMissingFileSaysSo() {
        ScenarioException e = assertThrows(ScenarioException.class, () -> ScenarioReader.load("/no/such/file.yaml"));
        assertTrue(e.getMessage().contains("no such scenario file"), e.getMessage());
    }
}
