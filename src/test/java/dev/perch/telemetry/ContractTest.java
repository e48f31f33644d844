package dev.perch.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented contract in {@code topology/} and the code agree: topic list, and record schemas. */
public class ContractTest {
    static final Path TOPOLOGY = Path.of(System.getProperty("user.dir")).resolve("topology");

    @Test
    void topicsYamlListsExactlyTheTopicsOfTheCode() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(TOPOLOGY.resolve("topics.yaml").toFile());
        List<String> documented = new ArrayList<>();
        for (JsonNode topic : doc.get("topics")) {
            String name = topic.get("name").asText();
            documented.add(name);
            Topics.TopicSpec spec = Topics.ALL.stream().filter(t -> t.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("topics.yaml lists " + name + ", the code does not"));
            assertEquals(spec.partitions(), topic.get("partitions").asInt(), name + " partitions");
            assertEquals(spec.compacted() ? "compact" : "delete", topic.get("cleanupPolicy").asText(), name + " cleanup");
            assertEquals(spec.retentionMs(), topic.get("retentionMs").asLong(), name + " retention");
            assertTrue(Files.exists(TOPOLOGY.resolve(topic.get("schema").asText())), name + " schema file");
        }
        assertEquals(Topics.ALL.stream().map(Topics.TopicSpec::name).toList(), documented);
    }

    /** Validates one record against its topic's schema; returns the problems. */
    public static Set<ValidationMessage> problems(String topic, String json) throws Exception {
        try (InputStream in = Files.newInputStream(TOPOLOGY.resolve("schemas/" + topic + ".schema.json"))) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            return schema.validate(Json.MAPPER.readTree(json));
        }
    }

    public static void assertValid(String topic, String json) throws Exception {
        Set<ValidationMessage> problems = problems(topic, json);
        assertTrue(problems.isEmpty(), topic + ": " + problems + " in " + json);
    }

    @Test
    void theIssuesTelemetryExampleIsValidAndBrokenOnesAreNot() throws Exception {
        String example = """
                {"schema":"perch.telemetry.v1","node":"pi-1","accelerator":"pi-1/tpu0","acceleratorType":"edgetpu",
                 "app":"cam-7","model":"mobilenet_v2","windowStartMs":1764201600000,"windowEndMs":1764201601000,
                 "requests":17,"latencyMs":{"mean":16.2,"p50":5.3,"p95":110.0,"p99":190.0,"max":201.0},
                 "serviceMs":{"mean":5.2},"queueMs":{"mean":10.1},"swaps":6}""";
        assertValid(Topics.TELEMETRY, example);
        assertFalse(problems(Topics.TELEMETRY, example.replace("\"mean\":16.2,", "")).isEmpty(),
                "latencyMs.mean is required when requests > 0");
        assertFalse(problems(Topics.TELEMETRY, example.replace("\"requests\":17", "\"requests\":-1")).isEmpty());
        assertTrue(problems(Topics.TELEMETRY, example.replace("\"requests\":17", "\"requests\":0")
                .replace("\"mean\":16.2,", "")).isEmpty(), "an idle window needs no latency");
    }

    /**
     * The bounds of docs/contract.md, held alike by the schema and by the topology's parser: at the
     * bound a report is valid, past it not.
     */
    @Test
    void theSchemaAndTheParserHoldTheSameBounds() throws Exception {
        String example = """
                {"schema":"perch.telemetry.v1","node":"pi-1","accelerator":"pi-1/tpu0","acceleratorType":"edgetpu",
                 "app":"cam-7","model":"mobilenet_v2","windowStartMs":1764201600000,"windowEndMs":1764201601000,
                 "requests":17,"latencyMs":{"mean":16.2,"max":201.0},"serviceMs":{"mean":5.2},"swaps":6}""";
        List<String> atTheBound = List.of(
                example.replace("\"cam-7\"", "\"" + "c".repeat(512) + "\""),
                example.replace("\"pi-1/tpu0\"", "\"" + "t".repeat(512) + "\""),
                example.replace("\"requests\":17", "\"requests\":1000000"),
                example.replace("\"max\":201.0", "\"max\":86400000"),
                example.replace("\"mean\":5.2", "\"mean\":86400000"),
                example.replace("\"swaps\":6", "\"swaps\":6,\"memoryMb\":1048576"));
        List<String> pastIt = List.of(
                example.replace("\"cam-7\"", "\"" + "c".repeat(513) + "\""),
                example.replace("\"pi-1/tpu0\"", "\"" + "t".repeat(10_000) + "\""),
                example.replace("\"model\":\"mobilenet_v2\"", "\"model\":\"" + "m".repeat(513) + "\""),
                example.replace("\"node\":\"pi-1\"", "\"node\":\"" + "n".repeat(513) + "\""),
                example.replace("\"requests\":17", "\"requests\":1000000000000000"),
                example.replace("\"swaps\":6", "\"swaps\":1000000000000000"),
                example.replace("\"max\":201.0", "\"max\":86400000.5"),
                example.replace("\"mean\":5.2", "\"mean\":1e300"),
                example.replace("\"swaps\":6", "\"swaps\":6,\"memoryMb\":1048576.5"),
                example.replace("\"swaps\":6", "\"swaps\":6,\"memoryMb\":1e300"));
        for (String report : atTheBound) {
            assertValid(Topics.TELEMETRY, report);
            assertTrue(TelemetryParser.parse(report.getBytes(StandardCharsets.UTF_8)) instanceof TelemetryParser.Result.Valid,
                    () -> TelemetryParser.parse(report.getBytes(StandardCharsets.UTF_8)).toString());
        }
        for (String report : pastIt) {
            assertFalse(problems(Topics.TELEMETRY, report).isEmpty(), "the schema refuses " + report.substring(0, 120));
            assertTrue(TelemetryParser.parse(report.getBytes(StandardCharsets.UTF_8)) instanceof TelemetryParser.Result.Invalid,
                    "the parser refuses " + report.substring(0, 120));
        }
        // What the schema cannot say (a window's length, requests a second of it, the payload's size) the parser holds.
        String tenYears = example.replace("\"windowStartMs\":1764201600000", "\"windowStartMs\":1448841601000");
        assertTrue(TelemetryParser.parse(tenYears.getBytes(StandardCharsets.UTF_8)) instanceof TelemetryParser.Result.Invalid);
        String padded = example.replace("\"swaps\":6", "\"swaps\":6,\"note\":\"" + "x".repeat(65_536) + "\"");
        assertTrue(TelemetryParser.parse(padded.getBytes(StandardCharsets.UTF_8)) instanceof TelemetryParser.Result.Invalid);
    }

    /** A dead letter of a payload past the size the contract keeps: valid, with the cut said in its reason. */
    @Test
    void aTruncatedDeadLetterIsValid() throws Exception {
        byte[] payload = "x".repeat(1_000_000).getBytes(StandardCharsets.UTF_8);
        DeadLetterRecord letter = DeadLetterRecord.of("r".repeat(5_000), Topics.TELEMETRY, 0, 7, 1L, payload);
        assertValid(Topics.DLQ, Json.MAPPER.writeValueAsString(letter));
        assertEquals(65_536, letter.payload().length());
        assertTrue(letter.reason().length() <= 1_000 && letter.reason().contains("r…")
                && letter.reason().endsWith(" (payload truncated: its first 65536 of 1000000 bytes kept)"), letter.reason());
    }

    /** The histogram of docs/contract.md: valid, optional, and its shape held by the schema. */
    @Test
    void aReportMayCarryALatencyHistogram() throws Exception {
        String example = """
                {"schema":"perch.telemetry.v1","node":"pi-1","accelerator":"pi-1/tpu0","acceleratorType":"edgetpu",
                 "app":"cam-7","model":"mobilenet_v2","windowStartMs":1764201600000,"windowEndMs":1764201601000,
                 "requests":17,"latencyMs":{"mean":16.2},
                 "latencyHistogram":{"boundsMs":[5,10,25,50,100,250],"counts":[0,6,8,2,1,0,0]}}""";
        assertValid(Topics.TELEMETRY, example);
        assertTrue(TelemetryParser.parse(example.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                instanceof TelemetryParser.Result.Valid, "and the topology admits it");
        assertFalse(problems(Topics.TELEMETRY, example.replace("[0,6,8,2,1,0,0]", "[0,6,-8,2,1,0,0]")).isEmpty());
        assertFalse(problems(Topics.TELEMETRY, example.replace(",\"counts\":[0,6,8,2,1,0,0]", "")).isEmpty());
    }

    /**
     * The app's memory of docs/contract.md: optional, a number of MiB from 0 to a tebibyte, held alike
     * by the schema and the parser; absent is read as not known, which a stated 0 is not.
     */
    @Test
    void aReportMayCarryTheAppsMemory() throws Exception {
        String without = """
                {"schema":"perch.telemetry.v1","node":"pi-1","accelerator":"pi-1/tpu0","acceleratorType":"edgetpu",
                 "app":"cam-7","model":"mobilenet_v2","windowStartMs":1764201600000,"windowEndMs":1764201601000,
                 "requests":17,"latencyMs":{"mean":16.2},"swaps":6}""";
        String with = without.replace("\"swaps\":6", "\"swaps\":6,\"memoryMb\":412.5");
        assertValid(Topics.TELEMETRY, without);
        assertValid(Topics.TELEMETRY, with);
        assertValid(Topics.TELEMETRY, without.replace("\"swaps\":6", "\"swaps\":6,\"memoryMb\":0"));
        assertEquals(412.5, valid(with).memoryMb());
        assertEquals(null, valid(without).memoryMb(), "absent: not known");
        assertEquals(null, valid(without.replace("\"swaps\":6", "\"swaps\":6,\"memoryMb\":null")).memoryMb());
        assertEquals(0.0, valid(without.replace("\"swaps\":6", "\"swaps\":6,\"memoryMb\":0")).memoryMb(),
                "a stated 0 is kept as 0");
        assertFalse(Json.write(valid(without)).contains("memoryMb"), "written back, absent stays absent");
        assertTrue(Json.write(valid(with)).contains("\"memoryMb\":412.5"), Json.write(valid(with)));
        Map<String, String> refused = Map.of(
                "-1", "field 'memoryMb' must not be negative, got -1",
                "\"412\"", "field 'memoryMb' must be a number, got \"412\"",
                "NaN", "field 'memoryMb' must be a finite number, got NaN",
                "Infinity", "field 'memoryMb' must be a finite number, got Infinity",
                "2000000", "field 'memoryMb' is 2000000 MiB, at most 1048576 (a tebibyte)",
                "{\"rss\":412}", "field 'memoryMb' must be a number, got {\"rss\":412}");
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            String report = without.replace("\"swaps\":6", "\"swaps\":6,\"memoryMb\":" + bad.getKey());
            TelemetryParser.Result result = TelemetryParser.parse(report.getBytes(StandardCharsets.UTF_8));
            assertEquals(new TelemetryParser.Result.Invalid(bad.getValue()), result, bad.getKey());
            if (!bad.getKey().equals("NaN") && !bad.getKey().equals("Infinity")) { // not JSON: no schema can see them
                assertFalse(problems(Topics.TELEMETRY, report).isEmpty(), "the schema refuses memoryMb " + bad.getKey());
            }
        }
    }

    private static TelemetryReport valid(String json) {
        TelemetryParser.Result result = TelemetryParser.parse(json.getBytes(StandardCharsets.UTF_8));
        assertTrue(result instanceof TelemetryParser.Result.Valid, result::toString);
        return ((TelemetryParser.Result.Valid) result).report();
    }
}
