package dev.perch.runtime;

import dev.perch.kubernetes.InferenceApp;
import dev.perch.kubernetes.KubernetesFixtures;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code run} mode, the whole application: Kafka (the embedded broker), the Kubernetes API (the
 * fabric8 mock server in CRUD mode), the leader election, and the reconcile loop placing a new
 * InferenceApp as a Deployment pinned to a labelled node.
 */
@QuarkusTest
@TestProfile(RunModeTest.RunMode.class)
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(EmbeddedKafkaResource.class)
class RunModeTest {
    public static class RunMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("perch.mode", "run", "perch.kubernetes.namespace", "edge", "perch.kubernetes.loop-sec", "0.2",
                    "perch.kubernetes.identity", "replica-test");
        }
    }

    @Inject
    KubernetesClient client;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "mp.messaging.incoming.alerts.group.id")
    String alertsGroup;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "mp.messaging.incoming.predictions.group.id")
    String predictionsGroup;

    /**
     * Only the leader acts on alerts and learns from predictions, so it must read every partition:
     * each replica consumes in a group of its own, named after it (a shared group would split the
     * partitions between the replicas).
     */
    @Test
    void eachReplicaReadsAlertsAndPredictionsInAConsumerGroupOfItsOwn() {
        assertEquals("perch-controller-replica-test", alertsGroup);
        assertEquals("perch-controller-rates-replica-test", predictionsGroup);
    }

    @Test
    void theControllerLeadsAndPlacesANewInferenceAppOnALabelledNode() throws Exception {
        KubernetesFixtures.acceleratorNode(client, "pi-1", "edgetpu");
        client.resources(InferenceApp.class).inNamespace("edge").resource(KubernetesFixtures.app("cam-1", "mobilenet_v2", 200.0))
                .create();

        long deadline = System.currentTimeMillis() + 30_000;
        List<Deployment> deployments = List.of();
        while (deployments.isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                fail("no Deployment created within 30 s");
            }
            Thread.sleep(100);
            deployments = client.apps().deployments().inNamespace("edge").list().getItems();
        }
        assertEquals("cam-1-pi-1-tpu0", deployments.get(0).getMetadata().getName());
        assertEquals("pi-1", deployments.get(0).getSpec().getTemplate().getSpec().getNodeSelector().get("kubernetes.io/hostname"));
        assertTrue(client.leases().inNamespace("edge").withName("perch-controller").get().getSpec().getHolderIdentity()
                .equals("replica-test"), "this replica holds the lease");
    }
}
