package dev.perch.kubernetes;

import dev.perch.cluster.ClusterNode;
import dev.perch.controller.LiveRates;
import dev.perch.controller.Reconciler;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory Perch's node agent takes is left out of each node's memory when the agent is deployed,
 * so placement never counts on it: on a 300 MiB Edge TPU node a mobilenet_v2 app (100 MB backend,
 * 75 MB front end, within 80 % of the node) fits without the agent (240 MB) and not beside it
 * (80 % of 172 MB).
 */
@EnableKubernetesMockClient(crud = true)
class AgentMemoryOnKubernetesTest {
    KubernetesClient client;
    private final SimClock clock = new SimClock(() -> Instant.parse("2026-12-05T00:00:00Z").toEpochMilli());

    private void smallNode() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("pi-small")
                .addToLabels(Inventory.ACCELERATOR_TYPE, "edgetpu").endMetadata()
                .withNewStatus().addToCapacity("memory", new Quantity("300Mi")).endStatus().build()).create();
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam", "mobilenet_v2", 200.0)).create();
    }

    /** Where the app runs after the passes, if anywhere, and the node's memory as Perch read it. */
    private String place(double agentMemoryMb, List<Double> memoryMb) {
        try (KubernetesCluster cluster = new KubernetesCluster(client, NS, ScenarioReader::defaultCatalog, 10,
                Duration.ofSeconds(120), clock, agentMemoryMb)) {
            await(() -> cluster.synced() && cluster.snapshot().apps().size() == 1, "synced");
            Reconciler reconciler = Reconciler.builder(cluster, cluster, clock).catalog(ScenarioReader.defaultCatalog())
                    .rates(new LiveRates()).build();
            reconciler.reportTo(cluster);
            reconciler.pass();
            memoryMb.add(cluster.snapshot().nodes().stream().mapToDouble(ClusterNode::memoryMb).sum());
            await(() -> !reconciler.unplacedApps().isEmpty() || cluster.snapshot().app("cam").orElseThrow()
                    .accelerator().isPresent(), "decided");
            return cluster.snapshot().app("cam").orElseThrow().accelerator().orElse("nowhere: "
                    + reconciler.unplacedApps().get("cam"));
        }
    }

    @Test
    void besideTheAgentTheAppDoesNotFitWhereItWouldAlone() {
        smallNode();
        List<Double> memory = new java.util.ArrayList<>();
        String withAgent = place(128, memory);
        assertTrue(withAgent.startsWith("nowhere: ") && withAgent.contains("memory"), withAgent);
        assertEquals(300 - 128, memory.get(0), 1e-9, "the agent's 128 MB left out of the node's 300 MiB");

        assertEquals("pi-small/tpu0", place(0, memory), "without the agent (perch.agent.enabled=false) it fits");
        assertEquals(300, memory.get(1), 1e-9);
    }

    @Test
    void theAgentsMemoryMustBeANumberOfMegabytes() {
        assertThrows(IllegalArgumentException.class, () -> new KubernetesCluster(client, NS, ScenarioReader::defaultCatalog,
                10, Duration.ofSeconds(120), clock, -1));
        assertThrows(IllegalArgumentException.class, () -> new KubernetesCluster(client, NS, ScenarioReader::defaultCatalog,
                10, Duration.ofSeconds(120), clock, Double.NaN));
    }
}
