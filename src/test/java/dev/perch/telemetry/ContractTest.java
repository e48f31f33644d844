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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
}
