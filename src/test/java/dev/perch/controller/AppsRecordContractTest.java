package dev.perch.controller;

import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.perch.telemetry.ContractTest.assertValid;
import static dev.perch.telemetry.ContractTest.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The apps records the controller writes ({@code perch.apps.v1}) validate against
 * {@code topology/schemas}, with the window each app's SLO is judged over; records written before
 * the window existed still validate, and a window the contract does not allow does not.
 */
class AppsRecordContractTest {
    private static final long EPOCH = 1_764_201_600_000L;

    @Test
    void theControllersAppsRecordsCarryTheWindowAndValidate() throws Exception {
        Scenario scenario = ScenarioReader.parse("""
                nodes:
                  - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
                  - {node: nano-1, memoryMb: 4096, acceleratorTypes: [gpu], frontendServiceMs: 24}
                apps:
                  - {app: short, model: mobilenet_v2, ratePerSec: 5, sloMs: 200, sloStatistic: p95, sloWindowSec: 1}
                  - {app: long, model: mobilenet_v1, ratePerSec: 5, sloMs: 200, sloStatistic: mean, sloWindowSec: 3600}
                  - {app: plain, model: resnet_18, ratePerSec: 5, sloMs: 200, sloStatistic: mean}
                """, "windows");
        SimulatedCluster cluster = new SimulatedCluster(scenario, 1, EPOCH, 2000);
        List<AppRecord> apps = new ArrayList<>();
        Reconciler.builder(cluster, cluster, new SimClock(cluster::nowEpochMs)).catalog(scenario.catalog())
                .rates(new LiveRates()).outputs(new RecordingOutputs(null, apps, null)).build().pass();

        assertFalse(apps.isEmpty(), "the pass wrote apps records");
        Map<String, Integer> windows = new TreeMap<>();
        for (AppRecord app : apps) {
            assertValid(Topics.APPS, Json.write(app));
            windows.put(app.app(), app.sloWindowSec());
        }
        assertEquals(Map.of("long", 3600, "plain", 60, "short", 1), windows);
    }

    @Test
    void aRecordWrittenBeforeTheWindowExistedStillValidatesAndMeansSixty() throws Exception {
        String old = """
                {"schema":"perch.apps.v1","app":"a","model":"m","expectedRatePerSec":2,"sloMs":100,"sloStatistic":"mean",
                 "node":"pi-1","accelerator":"pi-1/tpu0","updatedAtMs":1764201600000}""";
        assertValid(Topics.APPS, old);
        assertEquals(60, Json.read(old, AppRecord.class).sloWindowSecOrDefault());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "3601", "-60", "1.5", "\"60\"", "null"})
    void aWindowOutsideTheContractIsNotValid(String window) throws Exception {
        String record = """
                {"schema":"perch.apps.v1","app":"a","model":"m","expectedRatePerSec":2,"sloMs":100,"sloStatistic":"mean",
                 "sloWindowSec":%s,"updatedAtMs":1764201600000}""".replace("%s", window);
        assertTrue(problems(Topics.APPS, record).stream().anyMatch(p -> p.getMessage().contains("sloWindowSec")),
                window + ": " + problems(Topics.APPS, record));
    }

    @Test
    void aScrapedOrPushedAppsTelemetryValidatesAndReadsBack() throws Exception {
        AppRecord scraped = new AppRecord(AppRecord.SCHEMA, "cam-1", "resnet_50", 5, 200, "p95", 60, "nano-1", "nano-1/gpu0",
                null, EPOCH, AppRecord.Telemetry.scraped(new AppRecord.Scrape("triton", 8002, "/metrics", "resnet50_onnx",
                "10.1.2.3")));
        String json = Json.write(scraped);
        assertValid(Topics.APPS, json);
        assertTrue(json.contains("\"telemetry\":{\"scrape\":{\"preset\":\"triton\",\"port\":8002,\"path\":\"/metrics\","
                + "\"serverModel\":\"resnet50_onnx\",\"podIp\":\"10.1.2.3\"}}"), json);
        assertEquals(scraped, Json.read(json, AppRecord.class));
        assertEquals("http://10.1.2.3:8002/metrics", scraped.telemetry().scrape().url());
        assertEquals("http://[fd00::7]:8002/metrics",
                new AppRecord.Scrape("triton", 8002, "/metrics", "m", "fd00::7").url());

        AppRecord pushed = new AppRecord(AppRecord.SCHEMA, "cam-7", "mobilenet_v2", 5, 200, "p95", 60, "pi-1", "pi-1/tpu0",
                null, EPOCH, AppRecord.Telemetry.pushed());
        assertValid(Topics.APPS, Json.write(pushed));
        assertTrue(Json.write(pushed).contains("\"telemetry\":{\"push\":{}}"), Json.write(pushed));
        assertEquals(pushed, Json.read(Json.write(pushed), AppRecord.class));

        AppRecord waiting = new AppRecord(AppRecord.SCHEMA, "cam-2", "resnet_50", 5, 200, "p95", 60, "nano-1", "nano-1/gpu0",
                null, EPOCH, AppRecord.Telemetry.scraped(new AppRecord.Scrape("ovms", 9000, "/metrics", "resnet", null)));
        assertValid(Topics.APPS, Json.write(waiting));
        assertEquals(null, waiting.telemetry().scrape().url(), "no pod IP yet: nothing to scrape");
    }

    @Test
    void anOldReaderIgnoresTheTelemetryAndARecordWithoutItMeansTheAppPublishesItsOwn() throws Exception {
        String withTelemetry = """
                {"schema":"perch.apps.v1","app":"a","model":"m","expectedRatePerSec":2,"sloMs":100,"sloStatistic":"mean",
                 "updatedAtMs":1764201600000,"telemetry":{"push":{}},"somethingNewer":{"x":1}}""";
        assertValid(Topics.APPS, withTelemetry);
        assertEquals(AppRecord.Telemetry.pushed(), Json.read(withTelemetry, AppRecord.class).telemetry());
        String without = """
                {"schema":"perch.apps.v1","app":"a","model":"m","expectedRatePerSec":2,"sloMs":100,"sloStatistic":"mean",
                 "updatedAtMs":1764201600000}""";
        assertEquals(null, Json.read(without, AppRecord.class).telemetry());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{}",
            "{\"scrape\":{\"preset\":\"triton\",\"port\":8002,\"path\":\"/metrics\",\"serverModel\":\"m\"},\"push\":{}}",
            "{\"scrape\":{\"preset\":\"custom\",\"port\":8002,\"path\":\"/metrics\",\"serverModel\":\"m\"}}",
            "{\"scrape\":{\"preset\":\"triton\",\"port\":0,\"path\":\"/metrics\",\"serverModel\":\"m\"}}",
            "{\"scrape\":{\"preset\":\"triton\",\"port\":8002,\"path\":\"metrics\",\"serverModel\":\"m\"}}",
            "{\"scrape\":{\"preset\":\"triton\",\"port\":8002,\"serverModel\":\"m\"}}"})
    void aTelemetryOutsideTheContractIsNotValid(String telemetry) throws Exception {
        String record = """
                {"schema":"perch.apps.v1","app":"a","model":"m","expectedRatePerSec":2,"sloMs":100,"sloStatistic":"mean",
                 "updatedAtMs":1764201600000,"telemetry":%s}""".replace("%s", telemetry);
        assertFalse(problems(Topics.APPS, record).isEmpty(), telemetry);
    }
}
