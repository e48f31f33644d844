package dev.perch.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.perch.cluster.PlanStep;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code perch-approver} ClusterRole grants exactly what approving a move takes, and the
 * MoveApproval CRD's schema takes the documented approval and rejects one that does not name a move.
 */
@EnableKubernetesMockClient(crud = true)
class MoveApprovalManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String APPROVER_AGENT = "perch-approver-under-test";
    private static final Path SAMPLE = Path.of("deploy/samples/moveapproval-cam-1.yaml");
    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void theApproverRoleGrantsExactlyApprovingAndReadingApps() throws Exception {
        assertEquals(Set.of(
                        "perch.dev|moveapprovals|create", "perch.dev|moveapprovals|get", "perch.dev|moveapprovals|list",
                        "perch.dev|moveapprovals|delete",
                        "perch.dev|inferenceapps|get", "perch.dev|inferenceapps|list", "perch.dev|inferenceapps|watch"),
                DeployManifestsTest.granted("perch-approver"));
        for (JsonNode doc : DeployManifestsTest.documents(Path.of("deploy/base/rbac.yaml"))) {
            if (doc.path("kind").asText().equals("ClusterRole") && doc.at("/metadata/name").asText().equals("perch-approver")) {
                assertTrue(doc.path("aggregationRule").isMissingNode(), "no rules aggregated in from elsewhere");
            }
            assertFalse(doc.path("kind").asText().endsWith("Binding") && doc.at("/roleRef/name").asText().equals("perch-approver"),
                    "deploy/ binds perch-approver to no one: the cluster's admins choose who approves");
        }
        assertFalse(DeployManifestsTest.granted("perch-controller").stream().anyMatch(p -> p.startsWith("perch.dev|moveapprovals|")
                && !p.endsWith("|list") && !p.endsWith("|watch")), "the controller only reads approvals (and marks their status)");
    }

    /**
     * An approver's work, as kubectl does it, recorded on the mock API server: watch the apps, read
     * the move proposed on one, approve it, list the approvals and read whether Perch used one,
     * withdraw one. It needs every permission the role grants, and no other.
     */
    @Test
    void approvingAMoveNeedsWhatTheApproverRoleGrantsAndNoMore() throws Exception {
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-1", "mobilenet_v2", 200.0)).create();
        try (KubernetesApprovals perch = new KubernetesApprovals(client, NS, Clock.systemUTC())) {
            perch.propose(new PlanStep.Move("cam-1", "pi-1/tpu0", "pi-2/tpu0"), "test");
        }
        while (server.takeRequest(100, TimeUnit.MILLISECONDS) != null) {
            // what came before the approver: not counted
        }
        try (KubernetesClient approver = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withUserAgent(APPROVER_AGENT).build()).build()) {
            try (Watch watch = approver.resources(InferenceApp.class).inNamespace(NS).watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, InferenceApp resource) {
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            })) {
                assertEquals(1, approver.resources(InferenceApp.class).inNamespace(NS).list().getItems().size());
                String proposed = approver.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").get()
                        .getMetadata().getAnnotations().get(KubernetesApprovals.PROPOSED);
                assertEquals("pi-1/tpu0 -> pi-2/tpu0", proposed);
            }
            MoveApproval approval = YAML.readValue(SAMPLE.toFile(), MoveApproval.class);
            approver.resources(MoveApproval.class).inNamespace(NS).resource(approval).create();
            assertEquals(1, approver.resources(MoveApproval.class).inNamespace(NS).list().getItems().size());
            assertNotNull(approver.resources(MoveApproval.class).inNamespace(NS).withName(approval.getMetadata().getName()).get());
            approver.resources(MoveApproval.class).inNamespace(NS).withName(approval.getMetadata().getName()).delete();
        }
        Set<String> used = new TreeSet<>();
        RecordedRequest request;
        while ((request = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
            String agent = request.getHeader("User-Agent");
            if (agent != null && agent.contains(APPROVER_AGENT)) {
                used.add(DeployManifestsTest.permission(request));
            }
        }
        assertEquals(DeployManifestsTest.granted("perch-approver"), used);
    }

    @Test
    void theApprovalDocsKubernetesShowsIsTheSample() throws Exception {
        String doc = Files.readString(Path.of("docs/kubernetes.md"));
        int start = doc.indexOf("<<'YAML'\n");
        assertTrue(start > 0, "docs/kubernetes.md shows a MoveApproval to create");
        String shown = doc.substring(start + "<<'YAML'\n".length(), doc.indexOf("\nYAML\n", start));
        assertEquals(YAML.readTree(SAMPLE.toFile()), YAML.readTree(shown));
    }

    private static JsonSchema schema() throws Exception {
        JsonNode crd = YAML.readTree(CrdGenerationTest.APPROVALS.toFile());
        assertEquals("MoveApproval", crd.at("/spec/names/kind").asText());
        assertEquals("mvapproval", crd.at("/spec/names/shortNames/0").asText());
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(crd.at("/spec/versions/0/schema/openAPIV3Schema"));
    }

    @Test
    void theCrdTakesTheDocumentedApprovalAndRejectsOneThatNamesNoMoveOrProposal() throws Exception {
        JsonNode sample = YAML.readTree(SAMPLE.toFile());
        assertEquals("perch.dev/v1alpha1", sample.get("apiVersion").asText());
        assertTrue(schema().validate(sample).isEmpty(), schema().validate(sample).toString());
        for (String bad : new String[]{
                "spec: {app: cam-1, from: pi-1/tpu0, proposal: p}",
                "spec: {app: cam-1, to: pi-2/tpu0, proposal: p}",
                "spec: {from: pi-1/tpu0, to: pi-2/tpu0, proposal: p}",
                "spec: {app: cam-1, from: pi-1/tpu0, to: pi-2/tpu0}",
                "spec: {app: cam-1, from: 'pi-1/tpu0 -> pi-2/tpu0', to: pi-2/tpu0, proposal: p}",
                "spec: {app: cam-1, from: pi-1, to: pi-2/tpu0, proposal: p}"}) {
            JsonNode approval = YAML.readTree("apiVersion: perch.dev/v1alpha1\nkind: MoveApproval\nmetadata: {name: a}\n" + bad);
            assertFalse(schema().validate(approval).isEmpty(), bad + " was taken");
        }
    }
}
