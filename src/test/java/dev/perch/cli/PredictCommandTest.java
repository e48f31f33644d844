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
        assertEquals(a.get("p95Ms").asDouble() <= 300, a.get("sloMet").asBoolean());
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
    })
    void badInputIsRefusedWithTheField(String input, String reason) {
        UsageException e = assertThrows(UsageException.class, () -> PredictCommand.predict(input));
        assertTrue(e.getMessage().startsWith(reason), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
