package dev.perch.kubernetes;

import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.ScenarioReader;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two controller replicas, built outside CDI, share the mock API server; one Lease elects the
 * leader. The leader starts a migration and dies; the other takes over and finishes it from the
 * InferenceApp's status — and through every step the app's Service selects a ready Deployment.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {
    KubernetesClient client;

    private static final LeaderElection.Timings FAST = new LeaderElection.Timings(Duration.ofMillis(1000),
            Duration.ofMillis(800), Duration.ofMillis(100));

    private void kubelet(Set<String> healthyNodes) {
        for (Deployment d : client.apps().deployments().inNamespace(NS).list().getItems()) {
            String node = d.getSpec().getTemplate().getSpec().getNodeSelector().get("kubernetes.io/hostname");
            if (healthyNodes.contains(node) && (d.getStatus() == null || d.getStatus().getReadyReplicas() == null)) {
                client.apps().deployments().inNamespace(NS).withName(d.getMetadata().getName()).editStatus(x -> {
                    x.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
                    return x;
                });
            }
        }
    }

    private void assertServedByAReadyDeployment(String app) {
        Map<String, String> selector = client.services().inNamespace(NS).withName(app).get().getSpec().getSelector();
        Deployment serving = client.apps().deployments().inNamespace(NS)
                .withName(app + "-" + selector.get(ObjectNames.ACCELERATOR_LABEL)).get();
        assertTrue(serving != null && serving.getStatus() != null && serving.getStatus().getReadyReplicas() != null
                && serving.getStatus().getReadyReplicas() >= 1, app + " has no ready serving replica");
    }

    @Test
    void aNewLeaderFinishesTheMigrationTheOldOneStartedAndTheAppAlwaysHasAReadyReplica() {
        for (String node : new String[]{"pi-1", "pi-2"}) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node)
                    .addToLabels(Inventory.ACCELERATOR_TYPE, "edgetpu").endMetadata()
                    .withNewStatus().addToCapacity("memory", new Quantity("4Gi")).endStatus().build()).create();
        }
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-1", "mobilenet_v2", 200.0)).create();

        KubernetesClient clientA = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
        KubernetesClient clientB = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
        KubernetesCluster replicaA = new KubernetesCluster(clientA, NS, ScenarioReader::defaultCatalog, 10,
                Duration.ofSeconds(120), Clock.systemUTC());
        KubernetesCluster replicaB = new KubernetesCluster(clientB, NS, ScenarioReader::defaultCatalog, 10,
                Duration.ofSeconds(120), Clock.systemUTC());
        LeaderElection electionA = new LeaderElection(clientA, NS, "perch-controller", "replica-a", FAST, () -> { }, () -> { });
        await(electionA::isLeader, "replica A leads");
        LeaderElection electionB = new LeaderElection(clientB, NS, "perch-controller", "replica-b", FAST, () -> { }, () -> { });
        try {
            await(() -> replicaA.synced() && replicaB.synced(), "both replicas' informers synced");
            assertFalse(electionB.isLeader(), "one leader at a time");

            // The leader places the app and starts moving it.
            replicaA.apply(new PlanStep.Place("cam-1", "pi-1/tpu0"));
            kubelet(Set.of("pi-1"));
            assertServedByAReadyDeployment("cam-1");
            await(() -> replicaA.snapshot().app("cam-1").flatMap(a -> a.accelerator()).isPresent(), "A sees the placement");
            replicaA.apply(new PlanStep.Move("cam-1", "pi-1/tpu0", "pi-2/tpu0"));
            assertServedByAReadyDeployment("cam-1");

            // The leader dies without releasing its lease: its client is gone.
            clientA.close();
            electionA.close();
            replicaA.close();
            await(electionB::isLeader, "replica B takes over when the lease expires");
            assertServedByAReadyDeployment("cam-1");

            // B finds the half-done migration in the cluster and finishes it.
            await(() -> replicaB.snapshot().app("cam-1").flatMap(a -> a.migratingTo()).isPresent(), "B sees the migration");
            assertTrue(replicaB.progressMoves().get(0).contains("waiting"));
            assertServedByAReadyDeployment("cam-1");
            kubelet(Set.of("pi-1", "pi-2"));
            assertTrue(replicaB.progressMoves().get(0).contains("switched"));
            assertServedByAReadyDeployment("cam-1");
            await(() -> replicaB.snapshot().app("cam-1").flatMap(a -> a.accelerator()).equals(java.util.Optional.of("pi-2/tpu0")),
                    "B sees the switch");
            assertTrue(replicaB.progressMoves().get(0).contains("removed"));
            assertServedByAReadyDeployment("cam-1");
            assertNull(client.apps().deployments().inNamespace(NS).withName("cam-1-pi-1-tpu0").get());
            assertEquals("pi-2/tpu0", client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").get()
                    .getStatus().getAccelerator());
        } finally {
            electionB.close();
            replicaB.close();
            clientB.close();
        }
    }
}
