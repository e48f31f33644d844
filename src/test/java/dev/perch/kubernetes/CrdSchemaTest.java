package dev.perch.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CRD's schema is what rejects a bad InferenceApp at the API server; the mock API server does not
 * validate, so this test runs the schema itself (OpenAPI v3, JSON Schema draft 4 semantics) over the
 * shipped samples and over bad resources.
 */
class CrdSchemaTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonSchema schema() throws Exception {
        JsonNode crd = YAML.readTree(CrdGenerationTest.COMMITTED.toFile());
        JsonNode openApi = crd.at("/spec/versions/0/schema/openAPIV3Schema");
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(openApi);
    }

    private static Set<ValidationMessage> validate(String yaml) throws Exception {
        return schema().validate(YAML.readTree(yaml));
    }

    @Test
    void theShippedSamplesAreValid() throws Exception {
        List<Path> samples;
        try (Stream<Path> files = Files.list(Path.of("deploy/samples"))) {
            samples = files.filter(p -> p.getFileName().toString().startsWith("inferenceapp-")).sorted().toList();
        }
        assertFalse(samples.isEmpty());
        for (Path sample : samples) {
            Set<ValidationMessage> errors = schema().validate(YAML.readTree(sample.toFile()));
            assertTrue(errors.isEmpty(), sample + ": " + errors);
        }
    }

    private static final String GOOD_SPEC = """
            apiVersion: perch.dev/v1alpha1
            kind: InferenceApp
            metadata: {name: a}
            spec: {model: inception_v3, image: "img:1", acceleratorTypes: [edgetpu], expectedRatePerSec: 5, sloMs: 300, sloStatistic: p95}
            """;

    @Test
    void aWindowFromOneSecondToAnHourIsValidAndItsDefaultIsSixty() throws Exception {
        for (int window : new int[]{1, 60, 3600}) {
            Set<ValidationMessage> errors = validate(GOOD_SPEC.replace("sloStatistic: p95", "sloStatistic: p95, sloWindowSec: " + window));
            assertTrue(errors.isEmpty(), window + ": " + errors);
        }
        JsonNode window = YAML.readTree(CrdGenerationTest.COMMITTED.toFile())
                .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/sloWindowSec");
        assertEquals("integer", window.get("type").asText());
        assertEquals(60, window.get("default").asInt());
        assertEquals(1, window.get("minimum").asDouble());
        assertEquals(3600, window.get("maximum").asDouble());
        assertTrue(window.get("description").asText().contains("default 60"), window.toString());
    }

    @Test
    void scrapeAndPushTelemetryAreValidAndTheOneOfIsACelRule() throws Exception {
        for (String telemetry : List.of("{push: {}}", "{scrape: {preset: triton, port: 8002}}",
                "{scrape: {preset: mlserver, port: 8080, path: /metrics, serverModel: resnet}}")) {
            Set<ValidationMessage> errors = validate(GOOD_SPEC.replace("sloStatistic: p95", "sloStatistic: p95, telemetry: "
                    + telemetry));
            assertTrue(errors.isEmpty(), telemetry + ": " + errors);
        }
        JsonNode telemetry = YAML.readTree(CrdGenerationTest.COMMITTED.toFile())
                .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/telemetry");
        // The validator here runs no CEL; the rule is what a real API server (1.25+) checks, Perch's code the rest.
        assertEquals("has(self.scrape) != has(self.push)", telemetry.at("/x-kubernetes-validations/0/rule").asText());
        assertEquals("/metrics", telemetry.at("/properties/scrape/properties/path/default").asText());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a missing model        | 'model: inception_v3, '    | ''                         | model",
            "a missing image        | 'image: \"img:1\", '       | ''                         | image",
            "a missing SLO          | ', sloMs: 300'             | ''                         | sloMs",
            "an SLO of zero         | 'sloMs: 300'               | 'sloMs: 0'                 | sloMs",
            "a negative SLO         | 'sloMs: 300'               | 'sloMs: -5'                | sloMs",
            "a negative rate        | 'expectedRatePerSec: 5'    | 'expectedRatePerSec: -1'   | expectedRatePerSec",
            "an unknown type        | '[edgetpu]'                | '[tpu]'                    | acceleratorTypes",
            "an unknown statistic   | 'sloStatistic: p95'        | 'sloStatistic: p90'        | sloStatistic",
            "a malformed model name | 'model: inception_v3'      | 'model: \"incep tion\"'    | model",
            "a window of zero       | 'sloStatistic: p95'        | 'sloStatistic: p95, sloWindowSec: 0'      | sloWindowSec",
            "a window over an hour  | 'sloStatistic: p95'        | 'sloStatistic: p95, sloWindowSec: 3601'   | sloWindowSec",
            "a fractional window    | 'sloStatistic: p95'        | 'sloStatistic: p95, sloWindowSec: 1.5'    | sloWindowSec",
            "a window as text       | 'sloStatistic: p95'        | 'sloStatistic: p95, sloWindowSec: \"60\"' | sloWindowSec",
            "a telemetry port of 0  | 'sloStatistic: p95'        | 'sloStatistic: p95, telemetry: {scrape: {preset: triton, port: 0}}'     | port",
            "a telemetry port > max | 'sloStatistic: p95'        | 'sloStatistic: p95, telemetry: {scrape: {preset: triton, port: 65536}}' | port",
            "an unknown preset      | 'sloStatistic: p95'        | 'sloStatistic: p95, telemetry: {scrape: {preset: prom, port: 8002}}'   | preset",
            "a scrape without port  | 'sloStatistic: p95'        | 'sloStatistic: p95, telemetry: {scrape: {preset: triton}}'             | port",
            "a relative path        | 'sloStatistic: p95'        | 'sloStatistic: p95, telemetry: {scrape: {preset: triton, port: 8002, path: metrics}}' | path",
    })
    void badInferenceAppsAreRejectedByTheSchema(String what, String from, String to, String field) throws Exception {
        assertTrue(validate(GOOD_SPEC).isEmpty(), "the base case is valid");
        Set<ValidationMessage> errors = validate(GOOD_SPEC.replace(from, to));
        assertFalse(errors.isEmpty(), what + " passed the schema");
        assertTrue(errors.stream().anyMatch(e -> e.getMessage().contains(field)), what + ": " + errors);
    }
}
