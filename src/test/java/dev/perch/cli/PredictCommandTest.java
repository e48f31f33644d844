package dev.perch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.telemetry.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PredictCommandTest {
    private static final String SNAPSHOT = """
            {"accelerators":[{"id":"n1/tpu0","acceleratorType":"edgetpu","apps":[
              {"app":"a","model":"inception_v4","ratePerSec":0.691,"serviceMs":125.13,"swapMs":19.43,"sloMs":300,"sloStatistic":"p95"},
              {"app":"b","model":"mobilenet_v2","ratePerSec":16.62,"serviceMs":4.91,"swapMs":10.43}]},
             {"id":"n2/gpu0","acceleratorType":"gpu","networkMs":10,"frontendServiceMs":24,"apps":[
              {"app":"c","ratePerSec":10,"serviceMs":30,"sloMs":100,"sloStatistic":"mean"}]},
             {"id":"n3/cpu0","acceleratorType":"cpu","apps":[{"app":"d","ratePerSec":40,"serviceMs":30,"sloMs":100}]}]}""";

    @Test
    void predictsEveryAcceleratorInInputOrder() {
        JsonNode out = Json.read(PredictCommand.predict(SNAPSHOT), JsonNode.class);
        JsonNode tpu = out.get("accelerators").get(0);
        assertEquals("n1/tpu0", tpu.get("id").asText());
        assertTrue(tpu.get("stable").asBoolean());
        JsonNode a = tpu.get("apps").get(0);
        assertEquals("a", a.get("app").asText());
        assertTrue(a.get("p50Ms").asDouble() <= a.get("p95Ms").asDouble() && a.get("p95Ms").asDouble() <= a.get("p99Ms").asDouble());
        double windowsOver = a.get("windowsOverSlo").asDouble();
        assertTrue(windowsOver >= 0 && windowsOver <= 1, "a share of windows: " + windowsOver);
        assertEquals(windowsOver <= 0.001, a.get("sloMet").asBoolean(), "the planner's threshold: 1 % over a margin of 10");
        assertFalse(tpu.get("apps").get(1).has("sloMet"), "no SLO, no verdict");

        // GPU: network 10 + front end M/G/1 (24 ms at 10/s, CV 0) + processor sharing 30/(1 − 0.3).
        JsonNode c = out.get("accelerators").get(1).get("apps").get(0);
        double front = 0.01 * 24 * 24 / (2 * (1 - 0.24)) + 24;
        assertEquals(10 + front + 30 / 0.7, c.get("meanMs").asDouble(), 0.001);
        assertEquals(0.3, out.get("accelerators").get(1).get("utilization").asDouble(), 1e-9);
    }

    @Test
    void anUnstableAcceleratorHasNoLatenciesAndMissesItsSlo() {
        JsonNode cpu = Json.read(PredictCommand.predict(SNAPSHOT), JsonNode.class).get("accelerators").get(2);
        assertFalse(cpu.get("stable").asBoolean());
        assertEquals(1.2, cpu.get("utilization").asDouble(), 1e-9);
        JsonNode d = cpu.get("apps").get(0);
        assertTrue(d.get("meanMs").isNull() && d.get("p95Ms").isNull());
        assertFalse(d.get("sloMet").asBoolean());
        assertEquals(1.0, d.get("windowsOverSlo").asDouble(), "an unstable accelerator: every window over");
    }

    /**
     * The verdict is on the window: with a p95 SLO 10 % above the steady-state p95, 1 s windows —
     * a handful of requests each, spread wide — are over it far more often than hour-long ones,
     * which settle near the steady state, and only the latter meet the SLO.
     */
    @Test
    void theVerdictIsOnTheSloWindow() {
        JsonNode steady = Json.read(PredictCommand.predict(SNAPSHOT), JsonNode.class).get("accelerators").get(0).get("apps").get(0);
        double slo = Math.round(1.1 * steady.get("p95Ms").asDouble());
        String shortWindows = SNAPSHOT.replace("\"sloMs\":300,\"sloStatistic\":\"p95\"}",
                "\"sloMs\":" + slo + ",\"sloStatistic\":\"p95\",\"sloWindowSec\":1}");
        JsonNode oneSecond = Json.read(PredictCommand.predict(shortWindows), JsonNode.class).get("accelerators").get(0).get("apps").get(0);
        JsonNode oneHour = Json.read(PredictCommand.predict(shortWindows.replace("\"sloWindowSec\":1}", "\"sloWindowSec\":3600}")),
                JsonNode.class).get("accelerators").get(0).get("apps").get(0);
        assertTrue(oneSecond.get("windowsOverSlo").asDouble() > 10 * oneHour.get("windowsOverSlo").asDouble() + 0.01,
                oneSecond + " / " + oneHour);
        assertFalse(oneSecond.get("sloMet").asBoolean());
        assertTrue(oneHour.get("sloMet").asBoolean(), oneHour.toString());
    }

    /**
     * A misspelt optional field is refused, not read as absent: with {@code swapms} the Edge TPU app
     * would be predicted without its swap cost. The right spelling gives the swap's share of the mean.
     */
    @Test
    void aMisspeltFieldIsRefusedRatherThanReadAsAbsent() {
        String misspelt = """
                {"accelerators":[{"id":"n1/tpu0","acceleratorType":"edgetpu","apps":[
                  {"app":"a","model":"inception_v4","ratePerSec":0.691,"serviceMs":125.13,"swapms":19.43},
                  {"app":"b","model":"mobilenet_v2","ratePerSec":16.62,"serviceMs":4.91,"swapMs":10.43}]}]}""";
        UsageException e = assertThrows(UsageException.class, () -> PredictCommand.predict(misspelt));
        assertEquals("accelerators[0].apps[0].swapms: unknown field (did you mean swapMs?)", e.getMessage());

        JsonNode withSwap = Json.read(PredictCommand.predict(misspelt.replace("swapms", "swapMs")), JsonNode.class);
        JsonNode withoutSwap = Json.read(PredictCommand.predict(misspelt.replace(",\"swapms\":19.43", "")), JsonNode.class);
        assertTrue(mean(withSwap) > mean(withoutSwap) + 10, mean(withSwap) + " vs " + mean(withoutSwap));
    }

    /** The SLO the verdict is about is echoed whole — bound, statistic and window — the defaults filled in. */
    @Test
    void theSloIsEchoedWithItsWindow() {
        String windowed = SNAPSHOT.replace("\"sloStatistic\":\"p95\"}", "\"sloStatistic\":\"p95\",\"sloWindowSec\":3600}");
        JsonNode out = Json.read(PredictCommand.predict(windowed), JsonNode.class);
        JsonNode a = out.get("accelerators").get(0).get("apps").get(0);
        assertEquals(300, a.get("sloMs").asDouble());
        assertEquals("p95", a.get("sloStatistic").asText());
        assertEquals(3600, a.get("sloWindowSec").asInt());
        JsonNode b = out.get("accelerators").get(0).get("apps").get(1);
        assertFalse(b.has("sloWindowSec") || b.has("sloMs"), "no SLO, nothing echoed");
        JsonNode c = out.get("accelerators").get(1).get("apps").get(0);
        assertEquals(60, c.get("sloWindowSec").asInt(), "absent: the default window");
        assertEquals("mean", c.get("sloStatistic").asText());
        JsonNode d = out.get("accelerators").get(2).get("apps").get(0);
        assertEquals(60, d.get("sloWindowSec").asInt(), "an unstable accelerator's app still shows its SLO");
        assertEquals("p95", d.get("sloStatistic").asText(), "absent: the default statistic");
        assertTrue(d.get("sloWindowSec").isInt());
    }

    /** The real {@code main} in a JVM of its own: an out-of-range window is exit 2, one line on stderr, nothing on stdout. */
    @Test
    void anOutOfRangeWindowExits2WithOneLine() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("predict-window");
        java.nio.file.Path snapshot = dir.resolve("snapshot.json");
        java.nio.file.Files.writeString(snapshot, SNAPSHOT.replace("\"sloStatistic\":\"p95\"}",
                "\"sloStatistic\":\"p95\",\"sloWindowSec\":7200}"));
        Process process = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PerchMain.class.getName(), "predict", "--file", snapshot.toString())
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile()).start();
        assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "predict ends");
        String stderr = java.nio.file.Files.readString(dir.resolve("err"));
        assertEquals(2, process.exitValue(), stderr);
        assertEquals("perch predict: accelerators[0].apps[0].sloWindowSec: must be a whole number of seconds from 1 to 3600,"
                + " got 7200", stderr.strip());
        assertEquals("", java.nio.file.Files.readString(dir.resolve("out")));
    }

    private static double mean(JsonNode out) {
        return out.get("accelerators").get(0).get("apps").get(0).get("meanMs").asDouble();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{oops|malformed JSON",
            "[]|input must be an object with an 'accelerators' list",
            "{\"accelerators\":[{\"id\":\"x\",\"acceleratorType\":\"fpga\",\"apps\":[]}]}|accelerators[0].acceleratorType: unknown accelerator type 'fpga'",
            "{\"accelerators\":[{\"id\":\"x\",\"acceleratorType\":\"gpu\",\"apps\":[{\"app\":\"a\",\"ratePerSec\":-1,\"serviceMs\":3}]}]}|accelerators[0].apps[0].ratePerSec: must be >= 0",
            "{\"accelerators\":[{\"id\":\"x\",\"acceleratorType\":\"gpu\",\"apps\":[{\"app\":\"a\",\"ratePerSec\":1}]}]}|accelerators[0].apps[0].serviceMs: required",
            "{\"accelerators\":[{\"id\":\"x\",\"acceleratorType\":\"gpu\",\"apps\":[{\"app\":\"a\",\"ratePerSec\":\"fast\",\"serviceMs\":3}]}]}|accelerators[0].apps[0].ratePerSec: must be a finite number",
            "{\"accelerators\":[{\"id\":\"x\",\"acceleratorType\":\"gpu\",\"apps\":[{\"app\":\"a\",\"ratePerSec\":1,\"serviceMs\":3,\"sloStatistic\":\"p42\"}]}]}|accelerators[0].apps[0].sloStatistic: unknown SLO statistic",
            "{\"accelerators\":[{\"acceleratorType\":\"gpu\",\"apps\":[]}]}|accelerators[0].id: required",
            "{\"accelerators\":[{\"id\":\"x\",\"acceleratorType\":\"gpu\",\"networkms\":5,\"apps\":[]}]}|accelerators[0].networkms: unknown field (did you mean networkMs?)",
            "{\"accelerators\":[],\"schema\":\"v2\"}|schema: unknown field (known: accelerators)",
            "{\"accelerators\":[{\"id\":\"x\",\"acceleratorType\":\"gpu\",\"apps\":[{\"app\":\"a\",\"ratePerSec\":1,\"serviceMs\":3,\"sloMs\":9,\"sloWindowSec\":0}]}]}|accelerators[0].apps[0].sloWindowSec: must be a whole number of seconds from 1 to 3600, got 0",
            "{\"accelerators\":[{\"id\":\"x\",\"acceleratorType\":\"gpu\",\"apps\":[{\"app\":\"a\",\"ratePerSec\":1,\"serviceMs\":3,\"sloMs\":9,\"sloWindowSec\":3601}]}]}|accelerators[0].apps[0].sloWindowSec: must be a whole number of seconds from 1 to 3600, got 3601",
            "{\"accelerators\":[{\"id\":\"x\",\"acceleratorType\":\"gpu\",\"apps\":[{\"app\":\"a\",\"ratePerSec\":1,\"serviceMs\":3,\"sloMs\":9,\"sloWindowSec\":2.5}]}]}|accelerators[0].apps[0].sloWindowSec: must be a whole number of seconds from 1 to 3600, got 2.5",
            "{\"accelerators\":[{\"id\":\"x\",\"acceleratorType\":\"gpu\",\"apps\":[{\"app\":\"a\",\"ratePerSec\":1,\"serviceMs\":3,\"sloMs\":9,\"sloWindowSec\":\"60\"}]}]}|accelerators[0].apps[0].sloWindowSec: must be a whole number of seconds from 1 to 3600, got \"60\"",
            "{\"accelerators\":[{\"id\":\"x\",\"acceleratorType\":\"gpu\",\"apps\":[{\"app\":\"a\",\"ratePerSec\":1,\"serviceMs\":3,\"sloMs\":9,\"sloWindowSec\":1e300}]}]}|accelerators[0].apps[0].sloWindowSec: must be a whole number of seconds from 1 to 3600, got 1.0E300",
            "{\"accelerators\":[{\"id\":\"x\",\"acceleratorType\":\"gpu\",\"apps\":[{\"app\":\"a\",\"ratePerSec\":1,\"serviceMs\":3,\"slowindowsec\":60}]}]}|accelerators[0].apps[0].slowindowsec: unknown field (did you mean sloWindowSec?)",
    })
    void badInputIsRefusedWithTheField(String input, String reason) {
        UsageException e = assertThrows(UsageException.class, () -> PredictCommand.predict(input));
        assertTrue(e.getMessage().startsWith(reason), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
