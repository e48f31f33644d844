package dev.perch.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Perch asks of the cluster for an app, without a server: the expectations are written out by
 * hand as the objects Perch has always made (names, labels, selector, pinning, environment, owner),
 * so a change to them shows here as a change users would see.
 */
class DesiredObjectsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static InferenceApp cam1() {
        InferenceApp app = KubernetesFixtures.app("cam-1", "mobilenet_v2", 200.0);
        app.getMetadata().setUid("0b7c-uid");
        return app;
    }

    @Test
    void theDeploymentIsTheAppsImagePinnedToTheAcceleratorsNodeAndOwnedByTheApp() throws Exception {
        Deployment deployment = DesiredDeployment.of(cam1(), "pi-1/tpu0", "pi-1");

        JsonNode expected = JSON.readTree("""
                {"apiVersion": "apps/v1", "kind": "Deployment",
                 "metadata": {"name": "cam-1-pi-1-tpu0", "namespace": "edge",
                   "labels": {"app.kubernetes.io/managed-by": "perch", "perch.dev/app": "cam-1", "perch.dev/accelerator": "pi-1-tpu0"},
                   "annotations": {"perch.dev/accelerator": "pi-1/tpu0"},
                   "ownerReferences": [{"apiVersion": "perch.dev/v1alpha1", "kind": "InferenceApp", "name": "cam-1",
                                        "uid": "0b7c-uid", "controller": true}]},
                 "spec": {"replicas": 1,
                   "selector": {"matchLabels": {"app.kubernetes.io/managed-by": "perch", "perch.dev/app": "cam-1",
                                                "perch.dev/accelerator": "pi-1-tpu0"}},
                   "template": {
                     "metadata": {"labels": {"app.kubernetes.io/managed-by": "perch", "perch.dev/app": "cam-1",
                                             "perch.dev/accelerator": "pi-1-tpu0"}},
                     "spec": {"nodeSelector": {"kubernetes.io/hostname": "pi-1"},
                       "containers": [{"name": "backend", "image": "registry.example.com/mobilenet_v2:1",
                         "env": [{"name": "PERCH_APP", "value": "cam-1"}, {"name": "PERCH_MODEL", "value": "mobilenet_v2"},
                                 {"name": "PERCH_ACCELERATOR", "value": "pi-1/tpu0"}]}]}}}}
                """);
        assertEquals(expected, JSON.valueToTree(deployment));
    }

    @Test
    void anAppThatPushesIsToldWhereItsNodesAgentListens() throws Exception {
        InferenceApp app = cam1();
        InferenceAppTelemetry telemetry = new InferenceAppTelemetry();
        telemetry.setPush(new InferenceAppTelemetry.Push());
        app.getSpec().setTelemetry(telemetry);
        Container backend = DesiredDeployment.of(app, "pi-1/tpu0", "pi-1").getSpec().getTemplate().getSpec().getContainers().get(0);

        assertEquals(JSON.readTree("""
                [{"name": "PERCH_APP", "value": "cam-1"}, {"name": "PERCH_MODEL", "value": "mobilenet_v2"},
                 {"name": "PERCH_ACCELERATOR", "value": "pi-1/tpu0"},
                 {"name": "PERCH_NODE_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}},
                 {"name": "PERCH_AGENT_PUSH_URL", "value": "http://$(PERCH_NODE_IP):9464/v1/requests"},
                 {"name": "PERCH_AGENT_PUSH_TOKEN",
                  "valueFrom": {"secretKeyRef": {"name": "perch-agent-push", "key": "token", "optional": true}}}]
                """), JSON.valueToTree(backend.getEnv()), "the node's IP, the agent's host port, and its token when there is one");
    }

    @Test
    void theDeploymentsPartsThatMatter() {
        InferenceApp app = cam1();
        app.getSpec().setImage("registry.example.com/mobilenet_v2:2");
        Deployment deployment = DesiredDeployment.of(app, "nano-1/gpu0", "nano-1");

        Map<String, String> labels = Map.of("app.kubernetes.io/managed-by", "perch", "perch.dev/app", "cam-1",
                "perch.dev/accelerator", "nano-1-gpu0");
        assertEquals("cam-1-nano-1-gpu0", deployment.getMetadata().getName());
        assertEquals(labels, deployment.getMetadata().getLabels());
        assertEquals(labels, deployment.getSpec().getSelector().getMatchLabels(), "the selector: every label, as always");
        assertEquals(labels, deployment.getSpec().getTemplate().getMetadata().getLabels());
        assertEquals(Map.of("kubernetes.io/hostname", "nano-1"), deployment.getSpec().getTemplate().getSpec().getNodeSelector());
        Container backend = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("registry.example.com/mobilenet_v2:2", backend.getImage(), "the image follows the spec");
        assertNull(backend.getResources(), "no requests: the accelerator is Perch's to share, not the scheduler's");
        OwnerReference owner = deployment.getMetadata().getOwnerReferences().get(0);
        assertEquals(List.of("InferenceApp", "cam-1", "0b7c-uid", true),
                List.of(owner.getKind(), owner.getName(), owner.getUid(), owner.getController()));
        assertEquals(1, deployment.getSpec().getReplicas());
    }

    @Test
    void theServiceSelectsTheServingAcceleratorsPods() throws Exception {
        Service service = DesiredService.of(cam1(), "pi-2/tpu0");

        JsonNode expected = JSON.readTree("""
                {"apiVersion": "v1", "kind": "Service",
                 "metadata": {"name": "cam-1", "namespace": "edge", "labels": {"app.kubernetes.io/managed-by": "perch"}},
                 "spec": {"selector": {"perch.dev/app": "cam-1", "perch.dev/accelerator": "pi-2-tpu0"},
                          "ports": [{"name": "http", "port": 8080}]}}
                """);
        assertEquals(expected, JSON.valueToTree(service));
        assertTrue(DesiredService.EXACT.contains("/spec/selector"));
    }
}
