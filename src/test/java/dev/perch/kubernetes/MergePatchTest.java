package dev.perch.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When Perch writes, and what, decided on JSON alone. */
class MergePatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static final String WANTED = """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "cam-1-pi-1-tpu0", "labels": {"perch.dev/app": "cam-1"}},
             "spec": {"replicas": 1, "selector": {"matchLabels": {"perch.dev/app": "cam-1"}},
                      "template": {"spec": {"containers": [{"name": "backend", "image": "cam:2", "env": [{"name": "A", "value": "1"}]}]}}}}
            """;

    @Test
    void whatTheServerAddedIsNoDifference() throws Exception {
        JsonNode live = json("""
                {"apiVersion": "apps/v1", "kind": "Deployment",
                 "metadata": {"name": "cam-1-pi-1-tpu0", "uid": "u1", "resourceVersion": "7",
                              "labels": {"perch.dev/app": "cam-1", "team": "vision"},
                              "annotations": {"deployment.kubernetes.io/revision": "1"}},
                 "spec": {"replicas": 1.0, "selector": {"matchLabels": {"perch.dev/app": "cam-1"}}, "strategy": {"type": "RollingUpdate"},
                          "template": {"spec": {"containers": [{"name": "backend", "image": "cam:2", "imagePullPolicy": "IfNotPresent",
                                                                 "env": [{"name": "A", "value": "1"}]}],
                                                "restartPolicy": "Always"}}},
                 "status": {"readyReplicas": 1}}
                """);
        assertEquals(Optional.empty(), MergePatch.toward(json(WANTED), live, DesiredDeployment.LEAVE_ALONE, Set.of()));
    }

    @Test
    void aChangedImageSendsTheContainersAndNothingElse() throws Exception {
        JsonNode live = json(WANTED.replace("cam:2", "cam:1"));
        JsonNode patch = MergePatch.toward(json(WANTED), live, DesiredDeployment.LEAVE_ALONE, Set.of()).orElseThrow();
        assertEquals(json("""
                {"spec": {"template": {"spec": {"containers": [{"name": "backend", "image": "cam:2", "env": [{"name": "A", "value": "1"}]}]}}}}
                """), patch);
        assertEquals(List.of("spec.template.spec.containers"), MergePatch.fields((ObjectNode) patch));
    }

    @Test
    void aListOfAnotherLengthIsSentWhole() throws Exception {
        JsonNode live = json(WANTED.replace("[{\"name\": \"A\", \"value\": \"1\"}]",
                "[{\"name\": \"A\", \"value\": \"1\"}, {\"name\": \"DEBUG\", \"value\": \"1\"}]"));
        JsonNode patch = MergePatch.toward(json(WANTED), live, DesiredDeployment.LEAVE_ALONE, Set.of()).orElseThrow();
        assertEquals(json(WANTED).at("/spec/template/spec/containers"), patch.at("/spec/template/spec/containers"));
    }

    @Test
    void aDeploymentsSelectorIsNeverSentEvenWhenItDiffers() throws Exception {
        JsonNode live = json(WANTED.replace("\"selector\": {\"matchLabels\": {\"perch.dev/app\": \"cam-1\"}}",
                "\"selector\": {\"matchLabels\": {\"app\": \"cam-1-old\"}}").replace("cam:2", "cam:1"));
        JsonNode patch = MergePatch.toward(json(WANTED), live, DesiredDeployment.LEAVE_ALONE, Set.of()).orElseThrow();
        assertTrue(patch.at("/spec/selector").isMissingNode(), patch.toString());
        assertEquals("cam:2", patch.at("/spec/template/spec/containers/0/image").asText());
    }

    @Test
    void aLabelMissingOrChangedIsSetAndOtherLabelsAreKept() throws Exception {
        JsonNode live = json(WANTED.replace("\"labels\": {\"perch.dev/app\": \"cam-1\"}", "\"labels\": {\"team\": \"vision\"}"));
        JsonNode patch = MergePatch.toward(json(WANTED), live, DesiredDeployment.LEAVE_ALONE, Set.of()).orElseThrow();
        assertEquals(json("{\"metadata\": {\"labels\": {\"perch.dev/app\": \"cam-1\"}}}"), patch);
    }

    @Test
    void anExactMapLosesTheKeysPerchDidNotSet() throws Exception {
        JsonNode wanted = json("{\"spec\": {\"selector\": {\"perch.dev/app\": \"cam-1\", \"perch.dev/accelerator\": \"pi-2-tpu0\"}}}");
        JsonNode live = json("{\"spec\": {\"selector\": {\"perch.dev/app\": \"cam-1\", \"perch.dev/accelerator\": \"pi-1-tpu0\","
                + " \"stray\": \"x\"}, \"clusterIP\": \"10.0.0.7\"}}");
        JsonNode patch = MergePatch.toward(wanted, live, Set.of(), DesiredService.EXACT).orElseThrow();
        assertEquals(json("{\"spec\": {\"selector\": {\"perch.dev/accelerator\": \"pi-2-tpu0\", \"stray\": null}}}"), patch);
    }

    @Test
    void theOperationsSentSetWhatDiffersAndRemoveWhatAnExactMapMustNotHave() throws Exception {
        JsonNode wanted = json("{\"metadata\": {\"labels\": {\"perch.dev/app\": \"cam-1\"}},"
                + " \"spec\": {\"selector\": {\"perch.dev/app\": \"cam-1\"}, \"ports\": [{\"port\": 8080}]}}");
        JsonNode live = json("{\"metadata\": {}, \"spec\": {\"selector\": {\"perch.dev/app\": \"cam-1\", \"stray\": \"x\"},"
                + " \"ports\": [{\"port\": 80}]}}");
        ObjectNode patch = MergePatch.toward(wanted, live, Set.of(), DesiredService.EXACT).orElseThrow();
        assertEquals(json("""
                [{"op": "add", "path": "/metadata/labels", "value": {"perch.dev/app": "cam-1"}},
                 {"op": "remove", "path": "/spec/selector/stray"},
                 {"op": "add", "path": "/spec/ports", "value": [{"port": 8080}]}]
                """), MergePatch.operations(patch, live));
    }

    @Test
    void aKeyWithASlashIsEscapedInTheOperationsPath() throws Exception {
        JsonNode wanted = json("{\"metadata\": {\"labels\": {\"perch.dev/app\": \"cam-1\"}}}");
        JsonNode live = json("{\"metadata\": {\"labels\": {\"perch.dev/app\": \"cam-0\"}}}");
        ObjectNode patch = MergePatch.toward(wanted, live, Set.of(), Set.of()).orElseThrow();
        assertEquals(json("[{\"op\": \"add\", \"path\": \"/metadata/labels/perch.dev~1app\", \"value\": \"cam-1\"}]"),
                MergePatch.operations(patch, live));
    }

    @Test
    void theIdentityIsNeverSent() throws Exception {
        JsonNode live = json(WANTED.replace("\"name\": \"cam-1-pi-1-tpu0\"", "\"name\": \"other\"").replace("apps/v1", "apps/v1beta1"));
        assertEquals(Optional.empty(), MergePatch.toward(json(WANTED), live, DesiredDeployment.LEAVE_ALONE, Set.of()));
    }
}
