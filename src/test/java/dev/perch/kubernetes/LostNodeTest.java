package dev.perch.kubernetes;

import dev.perch.cluster.PlanStep;
import dev.perch.sim.SimClock;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the fault suite's {@code node-lost} and {@code leader-change} found (issue 23), on the mock
 * API server: a node that is lost — deleted, or not Ready — takes its apps' places and the moves
 * heading to it with it; and a move is recorded before its target exists, so a leader killed in
 * between leaves a move the next leader carries on rather than a Deployment nobody knows of. The
 * clock stands still: nothing here may wait for the ready timeout.
 */
@EnableKubernetesMockClient(crud = true)
class LostNodeTest {
    KubernetesClient client;
    KubernetesMockServer server;
    private final AtomicLong nowMs = new AtomicLong(Instant.parse("2026-12-06T00:00:00Z").toEpochMilli());
    private KubernetesCluster cluster;

    @BeforeEach
    void cluster() {
        KubernetesFixtures.acceleratorNode(client, "pi-1", "edgetpu");
        KubernetesFixtures.acceleratorNode(client, "pi-2", "edgetpu");
        cluster = KubernetesFixtures.syncedCluster(client, new SimClock(nowMs::get));
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-1", "mobilenet_v2", 200.0)).create();
        await(() -> cluster.snapshot().app("cam-1").isPresent(), "the app seen");
        cluster.apply(new PlanStep.Place("cam-1", "pi-1/tpu0"));
        ready("cam-1-pi-1-tpu0");
        await(() -> cluster.snapshot().app("cam-1").flatMap(a -> a.accelerator()).isPresent(), "the placement seen");
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    private void ready(String deployment) {
        client.apps().deployments().inNamespace(NS).withName(deployment).editStatus(d -> {
            d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
            return d;
        });
    }

    private void notReady(String node) {
        client.nodes().withName(node).editStatus(n -> {
            n.getStatus().setConditions(List.of(new NodeConditionBuilder().withType("Ready").withStatus("Unknown")
                    .withReason("NodeStatusUnknown").build()));
            return n;
        });
    }

    private InferenceAppStatus status() {
        return client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").get().getStatus();
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    private void startMoveToPi2() {
        cluster.apply(new PlanStep.Move("cam-1", "pi-1/tpu0", "pi-2/tpu0"));
        await(() -> cluster.snapshot().app("cam-1").flatMap(a -> a.migratingTo()).isPresent(), "the move seen");
        assertTrue(cluster.progressMoves().get(0).contains("waiting"), "the target is not ready yet");
    }

    private void assertRolledBackAtOnce(String why) {
        List<String> steps = cluster.progressMoves();
        assertEquals(1, steps.size(), steps::toString);
        assertTrue(steps.get(0).contains("rolled back") && steps.get(0).contains(why), steps.get(0));
        assertNull(deployment("cam-1-pi-2-tpu0"), "the target is deleted");
        assertNotNull(deployment("cam-1-pi-1-tpu0"), "the source still serves");
        InferenceAppStatus status = status();
        assertNull(status.getMigration());
        assertEquals("pi-1/tpu0", status.getAccelerator());
        Condition migrating = status.getConditions().stream().filter(c -> InferenceAppStatus.MIGRATING.equals(c.getType()))
                .findFirst().orElseThrow();
        assertEquals("RolledBack", migrating.getReason());
        assertTrue(migrating.getMessage().contains(why), migrating.getMessage());
    }

    @Test
    void aMoveToANodeThatIsDeletedIsRolledBackWithoutWaitingForTheReadyTimeout() {
        startMoveToPi2();
        client.nodes().withName("pi-2").delete();
        await(() -> cluster.snapshot().nodes().stream().noneMatch(n -> n.node().equals("pi-2")), "the deletion seen");
        assertRolledBackAtOnce("node pi-2 was deleted");
    }

    @Test
    void aMoveToANodeThatIsNotReadyIsRolledBackWithoutWaitingForTheReadyTimeout() {
        startMoveToPi2();
        ready("cam-1-pi-2-tpu0"); // a copy that looked ready before its node went silent is not trusted either
        notReady("pi-2");
        await(() -> cluster.snapshot().nodes().stream().noneMatch(n -> n.node().equals("pi-2")), "the node left out");
        assertRolledBackAtOnce("node pi-2 is not Ready");
        assertEquals("pi-1-tpu0", client.services().inNamespace(NS).withName("cam-1").get().getSpec().getSelector()
                .get(ObjectNames.ACCELERATOR_LABEL), "traffic never left the source");
    }

    @Test
    void theAppsOfANodeThatIsNotReadyRunNowhereUntilPlacedAgainAndAreNotStartedThereAgain() {
        notReady("pi-1");
        await(() -> cluster.snapshot().nodes().stream().noneMatch(n -> n.node().equals("pi-1")), "the node left out");
        assertEquals(Optional.empty(), cluster.snapshot().app("cam-1").flatMap(a -> a.accelerator()), "cam-1 needs a new place");
        client.apps().deployments().inNamespace(NS).withName("cam-1-pi-1-tpu0").delete(); // its pod lost with the node
        await(() -> cluster.keepAsDeclared().isEmpty() && deployment("cam-1-pi-1-tpu0") == null, "nothing recreated");
        assertNull(deployment("cam-1-pi-1-tpu0"), "not started again on a node that is not Ready");
    }

    @Test
    void aMoveIsRecordedInTheAppsStatusBeforeItsTargetIsCreated() throws InterruptedException {
        while (server.takeRequest(100, TimeUnit.MILLISECONDS) != null) {
            // what the set-up asked
        }
        cluster.apply(new PlanStep.Move("cam-1", "pi-1/tpu0", "pi-2/tpu0"));
        List<String> writes = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            if (!request.getMethod().equals("GET") && (request.getPath().contains("/inferenceapps/cam-1/status")
                    || request.getPath().contains("/deployments"))) {
                writes.add(request.getMethod() + " " + request.getPath());
            }
        }
        assertTrue(writes.size() >= 2 && writes.get(0).contains("/inferenceapps/cam-1/status")
                && writes.get(1).contains("/deployments"), "status first, then the target: " + writes);
    }

    @Test
    void aMoveRecordedByALeaderThatDiedBeforeCreatingItsTargetIsCarriedOn() {
        client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").editStatus(app -> {
            InferenceAppStatus.Migration migration = new InferenceAppStatus.Migration();
            migration.setFrom("pi-1/tpu0");
            migration.setTo("pi-2/tpu0");
            migration.setPhase("Starting");
            migration.setStartedAtMs(nowMs.get());
            app.getStatus().setMigration(migration);
            return app;
        });
        await(() -> cluster.snapshot().app("cam-1").flatMap(a -> a.migratingTo()).isPresent(), "the move seen");
        assertTrue(cluster.progressMoves().get(0).contains("started"));
        Deployment target = deployment("cam-1-pi-2-tpu0");
        assertNotNull(target, "the target is created");
        assertEquals("pi-2", target.getSpec().getTemplate().getSpec().getNodeSelector().get("kubernetes.io/hostname"));
        ready("cam-1-pi-2-tpu0");
        assertTrue(cluster.progressMoves().get(0).contains("switched"));
        await(() -> cluster.snapshot().app("cam-1").flatMap(a -> a.accelerator()).equals(Optional.of("pi-2/tpu0")), "switch seen");
        assertTrue(cluster.progressMoves().get(0).contains("removed"));
        assertNull(deployment("cam-1-pi-1-tpu0"));
    }
}
