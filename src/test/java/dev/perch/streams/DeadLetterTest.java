package dev.perch.streams;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.Topics;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad telemetry goes to the dead-letter topic with its reason; good records around it flow on. */
class DeadLetterTest {
    private static final String GOOD = """
            {"schema":"perch.telemetry.v1","node":"pi-1","accelerator":"pi-1/tpu0","acceleratorType":"edgetpu",
             "app":"cam-7","model":"mobilenet_v2","windowStartMs":1764201600000,"windowEndMs":1764201601000,
             "requests":17,"latencyMs":{"mean":16.2,"p50":5.3,"p95":110.0,"p99":190.0,"max":201.0},
             "serviceMs":{"mean":5.2},"queueMs":{"mean":10.1},"swaps":6,"someFutureField":{"x":1}}""";

    /** GOOD with a histogram: 17 requests in four buckets of a server's own layout. */
    private static final String HISTOGRAM = GOOD.replace("\"swaps\":6,",
            "\"swaps\":6,\"latencyHistogram\":{\"boundsMs\":[5,10,100,250],\"counts\":[8,4,3,1,1]},");

    private static String histogram(String bounds, String counts) {
        return GOOD.replace("\"swaps\":6,", "\"swaps\":6,\"latencyHistogram\":{\"boundsMs\":" + bounds
                + ",\"counts\":" + counts + "},");
    }

    private TopologyFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new TopologyFixture();
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    static Stream<Arguments> badRecords() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"schema\":\"perch.telemetry.v1\",", "malformed JSON"),
                Arguments.of("not an object", "[1,2,3]", "not a JSON object"),
                Arguments.of("missing node", GOOD.replace("\"node\":\"pi-1\",", ""), "missing required field 'node'"),
                Arguments.of("missing app", GOOD.replace("\"app\":\"cam-7\",", ""), "missing required field 'app'"),
                Arguments.of("missing requests", GOOD.replace("\"requests\":17,", ""), "missing required field 'requests'"),
                Arguments.of("missing latency mean with requests", GOOD.replace("\"mean\":16.2,", ""),
                        "missing required field 'latencyMs.mean'"),
                Arguments.of("negative requests", GOOD.replace("\"requests\":17", "\"requests\":-3"),
                        "field 'requests' must not be negative"),
                Arguments.of("negative latency", GOOD.replace("\"p95\":110.0", "\"p95\":-1"),
                        "field 'latencyMs.p95' must not be negative"),
                Arguments.of("NaN latency", GOOD.replace("\"mean\":16.2", "\"mean\":NaN"),
                        "field 'latencyMs.mean' must be a finite number"),
                Arguments.of("NaN as text", GOOD.replace("\"mean\":16.2", "\"mean\":\"NaN\""),
                        "field 'latencyMs.mean' must be a number"),
                Arguments.of("unknown schema", GOOD.replace("perch.telemetry.v1", "perch.telemetry.v9"),
                        "unknown schema 'perch.telemetry.v9'"),
                Arguments.of("unknown accelerator type", GOOD.replace("\"edgetpu\"", "\"fpga\""),
                        "unknown acceleratorType 'fpga'"),
                Arguments.of("window ends before it starts", GOOD.replace("1764201601000", "1764201599000"),
                        "windowEndMs (1764201599000) must be after windowStartMs"),
                Arguments.of("histogram not an object", GOOD.replace("\"swaps\":6,", "\"swaps\":6,\"latencyHistogram\":[1,2],"),
                        "field 'latencyHistogram' must be an object"),
                Arguments.of("histogram without bounds", histogram("[]", "[17]"),
                        "field 'latencyHistogram.boundsMs' must be a non-empty array of numbers"),
                Arguments.of("histogram bounds descending", histogram("[5,100,10,250]", "[8,4,3,1,1]"),
                        "field 'latencyHistogram.boundsMs' must ascend strictly: [2] 10 after 100"),
                Arguments.of("histogram bound repeated", histogram("[5,10,10,250]", "[8,4,3,1,1]"),
                        "field 'latencyHistogram.boundsMs' must ascend strictly: [2] 10 after 10"),
                Arguments.of("histogram bound NaN", histogram("[5,10,NaN,250]", "[8,4,3,1,1]"),
                        "field 'latencyHistogram.boundsMs[2]' must be a finite number"),
                Arguments.of("histogram bound infinite", histogram("[5,10,100,Infinity]", "[8,4,3,1,1]"),
                        "field 'latencyHistogram.boundsMs[3]' must be a finite number"),
                Arguments.of("histogram bound as text", histogram("[5,10,\"100\",250]", "[8,4,3,1,1]"),
                        "field 'latencyHistogram.boundsMs[2]' must be a number"),
                Arguments.of("histogram counts as many as bounds", histogram("[5,10,100,250]", "[8,4,3,2]"),
                        "field 'latencyHistogram.counts' must be an array of 5 counts"),
                Arguments.of("histogram count negative", histogram("[5,10,100,250]", "[8,4,-3,7,1]"),
                        "field 'latencyHistogram.counts[2]' must not be negative"),
                Arguments.of("histogram count fractional", histogram("[5,10,100,250]", "[8,4,2.5,1.5,1]"),
                        "field 'latencyHistogram.counts[2]' must be a whole number"),
                Arguments.of("histogram counts short of requests", histogram("[5,10,100,250]", "[8,4,3,1,0]"),
                        "field 'latencyHistogram.counts' sums to 16, not requests (17)"),
                Arguments.of("histogram counts that would overflow", histogram("[5,10]",
                        "[9223372036854775807,9223372036854775807,2]"),
                        "field 'latencyHistogram.counts' sums to more than requests (17)"),
                Arguments.of("histogram with too many bounds", histogram(
                        java.util.stream.IntStream.rangeClosed(1, 513).mapToObj(String::valueOf)
                                .collect(java.util.stream.Collectors.joining(",", "[", "]")),
                        "[" + "0,".repeat(513) + "17]"),
                        "field 'latencyHistogram.boundsMs' has 513 bounds, at most 512"),
                // Bounds no real producer reaches (docs/contract.md): past them a report is hostile or broken.
                Arguments.of("app id of 10,000 characters", GOOD.replace("\"cam-7\"", "\"" + "c".repeat(10_000) + "\""),
                        "field 'app' has 10000 characters, at most 512"),
                Arguments.of("model id of 513 characters", GOOD.replace("\"mobilenet_v2\"", "\"" + "m".repeat(513) + "\""),
                        "field 'model' has 513 characters, at most 512"),
                Arguments.of("window of ten years", GOOD.replace("\"windowStartMs\":1764201600000",
                        "\"windowStartMs\":1448841601000"), "the window from windowStartMs to windowEndMs is 315360000000 ms long, at most 3600000"),
                Arguments.of("a million requests a second and one", GOOD.replace("\"requests\":17", "\"requests\":1000001"),
                        "field 'requests' is 1000001, at most 1000000 a second of the window (1000000 in this one)"),
                Arguments.of("1e15 requests", GOOD.replace("\"requests\":17", "\"requests\":1000000000000000"),
                        "field 'requests' is 1000000000000000, at most 1000000 a second"),
                Arguments.of("requests past 64 bits (2^64 + 17 wraps to 17)", GOOD.replace("\"requests\":17",
                        "\"requests\":18446744073709551633"), "field 'requests' is 18446744073709551633, at most 9223372036854775807"),
                Arguments.of("swaps beyond the rate", GOOD.replace("\"swaps\":6", "\"swaps\":2000000"),
                        "field 'swaps' is 2000000, at most 1000000 a second"),
                Arguments.of("latency of 1e300 ms", GOOD.replace("\"max\":201.0", "\"max\":1e300"),
                        "field 'latencyMs.max' is 1.0E300 ms, at most 86400000 (a day)"),
                Arguments.of("service time over a day", GOOD.replace("\"mean\":5.2", "\"mean\":86400001"),
                        "field 'serviceMs.mean' is 86400001 ms, at most 86400000"),
                Arguments.of("negative memory", GOOD.replace("\"swaps\":6,", "\"swaps\":6,\"memoryMb\":-5,"),
                        "field 'memoryMb' must not be negative, got -5"),
                Arguments.of("memory as text", GOOD.replace("\"swaps\":6,", "\"swaps\":6,\"memoryMb\":\"412MiB\","),
                        "field 'memoryMb' must be a number"),
                Arguments.of("memory NaN", GOOD.replace("\"swaps\":6,", "\"swaps\":6,\"memoryMb\":NaN,"),
                        "field 'memoryMb' must be a finite number, got NaN"),
                Arguments.of("memory past a tebibyte", GOOD.replace("\"swaps\":6,", "\"swaps\":6,\"memoryMb\":1e9,"),
                        "field 'memoryMb' is 1.0E9 MiB, at most 1048576 (a tebibyte)"),
                Arguments.of("window a century ahead", GOOD.replace("1764201600000", "4918003200000")
                        .replace("1764201601000", "4918003201000"), "windowStartMs 4918003200000 is "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRecords")
    void badRecordGoesToTheDeadLetterTopicAndGoodOnesFlowOn(String name, String payload, String reason) {
        fx.sendRaw("pi-1/tpu0", GOOD);
        fx.sendRaw("pi-1/tpu0", payload);
        fx.sendRaw("pi-1/tpu0", GOOD.replace("\"windowEndMs\":1764201601000", "\"windowEndMs\":1764201602000")
                .replace("\"windowStartMs\":1764201600000", "\"windowStartMs\":1764201601000"));

        TestRecord<String, String> dead = fx.dlq.readRecord();
        JsonNode letter = Json.read(dead.value(), JsonNode.class);
        assertEquals("perch.dlq.v1", letter.get("schema").asText());
        assertTrue(letter.get("reason").asText().startsWith(reason), letter.get("reason").asText());
        assertEquals(Topics.TELEMETRY, letter.get("sourceTopic").asText());
        assertEquals(1, letter.get("offset").asLong(), "the offset of the bad record in its partition");
        assertEquals(payload, letter.get("payload").asText(), "the raw payload is kept");
        assertEquals("utf8", letter.get("payloadEncoding").asText());
        assertTrue(fx.dlq.isEmpty());
        assertEquals(2, fx.predictions.readValuesToList().size(), "both good records were processed");
    }

    @Test
    void aWholeHistogramIsAdmittedAndAnIdleWindowMayCarryAnEmptyOne() {
        fx.sendRaw("pi-1/tpu0", HISTOGRAM);
        fx.sendRaw("pi-1/tpu0", histogram("[5,10]", "[0,0,0]").replace("\"requests\":17", "\"requests\":0")
                .replace("1764201601000", "1764201602000").replace("\"windowStartMs\":1764201600000",
                        "\"windowStartMs\":1764201601000"));
        assertTrue(fx.dlq.isEmpty(), () -> fx.dlq.readValuesToList().toString());
        assertEquals(2, fx.predictions.readValuesToList().size());
    }

    /** An app's memory is optional: a report with it and one without are both admitted. */
    @Test
    void aReportWithTheAppsMemoryIsAdmitted() {
        fx.sendRaw("pi-1/tpu0", GOOD.replace("\"swaps\":6,", "\"swaps\":6,\"memoryMb\":412.5,"));
        fx.sendRaw("pi-1/tpu0", GOOD.replace("1764201601000", "1764201602000").replace("\"windowStartMs\":1764201600000",
                "\"windowStartMs\":1764201601000"));
        assertTrue(fx.dlq.isEmpty(), () -> fx.dlq.readValuesToList().toString());
        assertEquals(2, fx.predictions.readValuesToList().size());
    }

    @Test
    void aPayloadThatIsNotUtf8IsKeptAsBase64() {
        byte[] payload = {(byte) 0xC3, (byte) 0x28, 0x7B};
        fx.telemetry.pipeInput("pi-1/tpu0", payload);
        JsonNode letter = Json.read(fx.dlq.readValue(), JsonNode.class);
        assertEquals("base64", letter.get("payloadEncoding").asText());
        assertEquals(Base64.getEncoder().encodeToString(payload), letter.get("payload").asText());
        assertTrue(letter.get("reason").asText().startsWith("malformed JSON"));
    }

    /**
     * A payload near the broker's record size limit (1 MiB of request by Kafka's defaults) made a
     * dead letter over it, and the topology stopped on it: the letter keeps the first 64 KiB, cut at a
     * character, says so, and stays far under the limit whatever the payload escapes to in JSON.
     */
    @Test
    void aPayloadNearTheRecordSizeLimitIsKeptTruncatedAndTheReasonSaysSo() {
        byte[] quotes = "\"".repeat(1_040_000).getBytes(StandardCharsets.UTF_8);
        byte[] binary = new byte[1_040_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (0x80 + i % 64);
        }
        // One byte, then two-byte characters: byte 65536 is the second half of one, so the cut falls before it.
        String accents = "a" + "é".repeat(520_000);
        fx.telemetry.pipeInput("pi-1/tpu0", quotes);
        fx.telemetry.pipeInput("pi-1/tpu0", binary);
        fx.telemetry.pipeInput("pi-1/tpu0", accents.getBytes(StandardCharsets.UTF_8));
        fx.sendRaw("pi-1/tpu0", GOOD);

        List<TestRecord<String, String>> letters = fx.dlq.readRecordsToList();
        assertEquals(3, letters.size());
        for (TestRecord<String, String> letter : letters) {
            assertTrue(letter.value().getBytes(StandardCharsets.UTF_8).length < 500_000, "a dead letter of "
                    + letter.value().length() + " characters");
        }
        JsonNode first = Json.read(letters.get(0).value(), JsonNode.class);
        assertEquals("payload of 1040000 bytes, at most 65536 (a report is a few kilobytes) (payload truncated: its first "
                + "65536 of 1040000 bytes kept)", first.get("reason").asText());
        assertEquals("\"".repeat(65_536), first.get("payload").asText());
        JsonNode second = Json.read(letters.get(1).value(), JsonNode.class);
        assertEquals("base64", second.get("payloadEncoding").asText());
        assertArrayEquals(Arrays.copyOf(binary, 65_536), Base64.getDecoder().decode(second.get("payload").asText()));
        JsonNode third = Json.read(letters.get(2).value(), JsonNode.class);
        assertEquals("utf8", third.get("payloadEncoding").asText());
        assertEquals("a" + "é".repeat(32_767), third.get("payload").asText());
        assertTrue(third.get("reason").asText().endsWith("(payload truncated: its first 65535 of 1040001 bytes kept)"),
                third.get("reason").asText());
        assertEquals(1, fx.predictions.readValuesToList().size(), "the good record after them is processed");
    }

    @Test
    void aRecordKeyedOtherwiseThanByItsAcceleratorIsRejected() {
        fx.sendRaw("cam-7", GOOD);
        JsonNode letter = Json.read(fx.dlq.readValue(), JsonNode.class);
        assertTrue(letter.get("reason").asText().contains("keyed by accelerator"), letter.get("reason").asText());
        assertTrue(fx.predictions.isEmpty());
    }

    @Test
    void aNullValueIsRejected() {
        fx.sendRaw("pi-1/tpu0", null);
        JsonNode letter = Json.read(fx.dlq.readValue(), JsonNode.class);
        assertEquals("empty record (null value)", letter.get("reason").asText());
        assertTrue(letter.get("payload") == null || letter.get("payload").isNull());
    }

    @Test
    void aReportThatCannotBeAssessedBecomesADeadLetterAndTheThreadGoesOn() throws Exception {
        // A misconfiguration (a front-end CV that is not a number) makes every assessment on a node with
        // a front end fail; the reports go to the DLQ with the cause, other accelerators are unaffected.
        var base = TopologySettings.defaults(dev.perch.model.profile.ScenarioReader.defaultCatalog());
        var broken = new TopologySettings(base.catalog(), base.trendMs(), base.horizonSec(),
                base.dedupRetentionMs(), Double.NaN, base.hysteresis(), base.learning(), base.idleClose());
        try (TopologyFixture bad = new TopologyFixture(broken)) {
            bad.node("pi-1", 10, 20, "pi-1/tpu0", "edgetpu");
            bad.sendRaw("pi-1/tpu0", GOOD);
            JsonNode letter = Json.read(bad.dlq.readValue(), JsonNode.class);
            // The report is learned from; its window's prediction is what fails, and the letter names the window.
            assertTrue(letter.get("reason").asText().startsWith("assessment failed: the window from")
                    && letter.get("reason").asText().contains("java.lang.IllegalArgumentException"),
                    letter.get("reason").asText());
            assertEquals("cam-7", Json.read(letter.get("payload").asText(), JsonNode.class).get("reported").get(0).asText());
            bad.sendRaw("pi-9/tpu0", GOOD.replace("pi-1/tpu0", "pi-9/tpu0").replace("\"pi-1\"", "\"pi-9\""));
            assertEquals(1, bad.predictions.readValuesToList().size(), "an accelerator without a front end is assessed");
        }
    }
}
