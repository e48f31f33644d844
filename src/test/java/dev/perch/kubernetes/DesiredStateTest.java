package dev.perch.kubernetes;

import dev.perch.cluster.ApplyResult;
import dev.perch.cluster.PlanStep;
import dev.perch.controller.LiveRates;
import dev.perch.controller.RecordingOutputs;
import dev.perch.controller.Reconciler;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.telemetry.DecisionRecord;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An app's Deployment and Service are kept as its InferenceApp declares them, on the mock API
 * server: a changed image is patched into the same Deployment without a move, a Deployment made by
 * earlier versions of Perch is updated rather than replaced, and an app as declared costs no write.
 */
@EnableKubernetesMockClient(crud = true)
class DesiredStateTest {
    KubernetesClient client;
    KubernetesMockServer server;
    private final AtomicLong nowMs = new AtomicLong(Instant.parse("2026-11-27T00:00:00Z").toEpochMilli());
    private final SimClock clock = new SimClock(nowMs::get);
    private KubernetesCluster cluster;

    @BeforeEach
    void cluster() {
        KubernetesFixtures.acceleratorNode(client, "pi-1", "edgetpu");
        KubernetesFixtures.acceleratorNode(client, "pi-2", "edgetpu");
        cluster = KubernetesFixtures.syncedCluster(client, clock);
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    private static String image(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    private void setImage(String app, String image) {
        client.resources(InferenceApp.class).inNamespace(NS).withName(app).edit(a -> {
            a.getSpec().setImage(image);
            return a;
        });
    }

    @Test
    void aChangedImageIsPatchedIntoTheSameDeploymentWithoutAMove() {
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-1", "mobilenet_v2", 200.0)).create();
        await(() -> cluster.snapshot().apps().size() == 1, "app seen");
        List<DecisionRecord> decisions = new ArrayList<>();
        Reconciler reconciler = Reconciler.builder(cluster, cluster, clock).catalog(ScenarioReader.defaultCatalog())
                .rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(decisions)).build();
        reconciler.pass();
        assertEquals(1, decisions.size(), decisions.toString());
        String accelerator = decisions.get(0).to();
        String name = ObjectNames.deploymentName("cam-1", accelerator);
        Deployment before = deployment(name);
        assertEquals("registry.example.com/mobilenet_v2:1", image(before));
        await(() -> cluster.snapshot().app("cam-1").flatMap(a -> a.accelerator()).isPresent(), "placement seen");

        setImage("cam-1", "registry.example.com/mobilenet_v2:2");
        await(() -> {
            reconciler.pass();
            return image(deployment(name)).equals("registry.example.com/mobilenet_v2:2");
        }, "the new image in the Deployment");

        Deployment after = deployment(name);
        assertEquals(before.getMetadata().getUid(), after.getMetadata().getUid(), "updated, not replaced");
        assertEquals(before.getSpec().getSelector(), after.getSpec().getSelector());
        assertEquals(List.of(name), client.apps().deployments().inNamespace(NS).list().getItems().stream()
                .map(d -> d.getMetadata().getName()).toList(), "no second Deployment");
        assertEquals(1, decisions.size(), "no decision, no move: " + decisions);
        InferenceAppStatus status = client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").get().getStatus();
        assertEquals(accelerator, status.getAccelerator());
        assertNull(status.getMigration());
    }

    /**
     * The apps' cache can be behind the objects': an app just removed may still read as placed while
     * its Deployment and Service are already gone. The pass asks the server before creating them again.
     */
    @Test
    void aStaleCopyOfARemovedAppDoesNotStartItAgain() {
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-1", "mobilenet_v2", 200.0)).create();
        await(() -> cluster.snapshot().apps().size() == 1, "app seen");
        cluster.apply(new PlanStep.Place("cam-1", "pi-1/tpu0"));
        await(() -> cluster.cachedApp("cam-1").map(a -> a.getStatus().getAccelerator()).isPresent(), "placement seen");
        InferenceApp stale = cluster.cachedApp("cam-1").orElseThrow();
        assertEquals("deleted", cluster.apply(new PlanStep.Remove("cam-1")).kind());

        Placements placements = new Placements(client, NS, new Applier(client, NS), new AppStatusWriter(client, NS, clock));
        List<String> written = placements.keepAsDeclared(List.of(stale), java.util.Set.of("pi-1/tpu0", "pi-2/tpu0"),
                name -> null, name -> null);

        assertEquals(List.of(), written);
        assertNull(deployment("cam-1-pi-1-tpu0"));
        assertNull(client.services().inNamespace(NS).withName("cam-1").get());
        // The same stale copy, while the server still has the app served there, gets its objects back.
        client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").editStatus(a -> {
            a.getStatus().setAccelerator("pi-1/tpu0");
            a.getStatus().setNode("pi-1");
            return a;
        });
        assertEquals(List.of("cam-1: Deployment cam-1-pi-1-tpu0 created", "cam-1: Service cam-1 created"),
                placements.keepAsDeclared(List.of(stale), java.util.Set.of("pi-1/tpu0", "pi-2/tpu0"), name -> null, name -> null));
    }

    /** Dry-run writes nothing, a changed image included: the Deployment keeps the image it runs. */
    @Test
    void aDryRunLeavesAChangedImageAsItIs() {
        InferenceApp app = client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-1", "mobilenet_v2", 200.0)).create();
        madeByEarlierPerch(app, "registry.example.com/mobilenet_v2:1");
        await(() -> cluster.snapshot().app("cam-1").flatMap(a -> a.accelerator()).isPresent(), "placement seen");
        String resourceVersion = deployment("cam-1-pi-1-tpu0").getMetadata().getResourceVersion();
        setImage("cam-1", "registry.example.com/mobilenet_v2:2");
        await(() -> cluster.cachedApp("cam-1").map(a -> a.getSpec().getImage())
                .equals(java.util.Optional.of("registry.example.com/mobilenet_v2:2")), "the change seen by the controller");
        Reconciler dryRun = Reconciler.builder(cluster, cluster, clock).catalog(ScenarioReader.defaultCatalog())
                .rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(new ArrayList<>()))
                .settings(dev.perch.controller.ControllerSettings.DEFAULT.withDryRun(true)).build();
        for (int pass = 0; pass < 3; pass++) {
            dryRun.pass();
        }
        assertEquals("registry.example.com/mobilenet_v2:1", image(deployment("cam-1-pi-1-tpu0")));
        assertEquals(resourceVersion, deployment("cam-1-pi-1-tpu0").getMetadata().getResourceVersion());
        assertEquals(List.of("cam-1: Deployment cam-1-pi-1-tpu0 patched: spec.template.spec.containers"),
                cluster.keepAsDeclared().stream().filter(line -> line.contains("patched")).toList(),
                "the same cluster, live, would patch it");
    }

    /** A Deployment and Service exactly as Perch made them before objects were kept as declared. */
    private void madeByEarlierPerch(InferenceApp app, String image) {
        Map<String, String> labels = Map.of("app.kubernetes.io/managed-by", "perch", "perch.dev/app", "cam-1",
                "perch.dev/accelerator", "pi-1-tpu0");
        client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
                .withNewMetadata().withName("cam-1-pi-1-tpu0").withNamespace(NS).withLabels(labels)
                .addToAnnotations("perch.dev/accelerator", "pi-1/tpu0")
                .addNewOwnerReference().withApiVersion("perch.dev/v1alpha1").withKind("InferenceApp")
                .withName("cam-1").withUid(app.getMetadata().getUid()).withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().addToNodeSelector("kubernetes.io/hostname", "pi-1")
                .addNewContainer().withName("backend").withImage(image)
                .addNewEnv().withName("PERCH_APP").withValue("cam-1").endEnv()
                .addNewEnv().withName("PERCH_MODEL").withValue("mobilenet_v2").endEnv()
                .addNewEnv().withName("PERCH_ACCELERATOR").withValue("pi-1/tpu0").endEnv()
                .endContainer().endSpec().endTemplate().endSpec().build()).create();
        client.services().inNamespace(NS).resource(new ServiceBuilder()
                .withNewMetadata().withName("cam-1").withNamespace(NS).addToLabels("app.kubernetes.io/managed-by", "perch").endMetadata()
                .withNewSpec().withSelector(Map.of("perch.dev/app", "cam-1", "perch.dev/accelerator", "pi-1-tpu0"))
                .addNewPort().withName("http").withPort(8080).endPort().endSpec().build()).create();
        client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").editStatus(a -> {
            a.getStatus().setAccelerator("pi-1/tpu0");
            a.getStatus().setNode("pi-1");
            return a;
        });
    }

    @Test
    void aDeploymentMadeByEarlierPerchIsPatchedNotReplaced() {
        InferenceApp app = client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-1", "mobilenet_v2", 200.0)).create();
        madeByEarlierPerch(app, "registry.example.com/mobilenet_v2:1");
        Deployment before = deployment("cam-1-pi-1-tpu0");
        setImage("cam-1", "registry.example.com/mobilenet_v2:2");

        List<String> outcomes = new ArrayList<>();
        await(() -> {
            outcomes.addAll(cluster.keepAsDeclared());
            return image(deployment("cam-1-pi-1-tpu0")).equals("registry.example.com/mobilenet_v2:2");
        }, "the new image in the Deployment");

        Deployment after = deployment("cam-1-pi-1-tpu0");
        assertEquals(before.getMetadata().getUid(), after.getMetadata().getUid(), "updated, not replaced");
        assertNotEquals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion());
        assertEquals(before.getSpec().getSelector(), after.getSpec().getSelector(), "the selector as it was");
        assertEquals(before.getSpec().getTemplate().getMetadata().getLabels(), after.getSpec().getTemplate().getMetadata().getLabels());
        assertEquals(before.getMetadata().getOwnerReferences(), after.getMetadata().getOwnerReferences());
        assertEquals(List.of("cam-1: Deployment cam-1-pi-1-tpu0 patched: spec.template.spec.containers"),
                outcomes.stream().filter(line -> line.contains("patched")).distinct().toList());
        assertTrue(outcomes.stream().noneMatch(line -> line.contains("Service")), "the Service was as wanted: " + outcomes);
    }

    @Test
    void anAppAsDeclaredIsUnchangedAndCostsNoWrite() throws Exception {
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-1", "mobilenet_v2", 200.0)).create();
        await(() -> cluster.snapshot().apps().size() == 1, "app seen");
        assertEquals("created", cluster.apply(new PlanStep.Place("cam-1", "pi-1/tpu0")).kind());
        await(() -> cluster.snapshot().app("cam-1").flatMap(a -> a.accelerator()).isPresent()
                && client.services().inNamespace(NS).withName("cam-1").get() != null, "placement seen");
        InferenceApp cam1 = client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").get();
        Deployment deployment = deployment("cam-1-pi-1-tpu0");
        Service service = client.services().inNamespace(NS).withName("cam-1").get();
        await(() -> cluster.keepAsDeclared().isEmpty(), "the caches caught up: nothing to write");
        while (server.takeRequest(100, TimeUnit.MILLISECONDS) != null) {
            // what came before is not the idle passes' doing
        }

        Applier applier = new Applier(client, NS);
        ApplyResult deploymentResult = applier.deployment(DesiredDeployment.of(cam1, "pi-1/tpu0", "pi-1"), null);
        ApplyResult serviceResult = applier.service(DesiredService.of(cam1, "pi-1/tpu0"), null);
        assertTrue(deploymentResult instanceof ApplyResult.Unchanged, deploymentResult.toString());
        assertTrue(serviceResult instanceof ApplyResult.Unchanged, serviceResult.toString());
        for (int pass = 0; pass < 3; pass++) {
            assertEquals(List.of(), cluster.progressMoves());
            assertEquals(List.of(), cluster.keepAsDeclared());
        }

        List<String> writes = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
            if (!request.getMethod().equals("GET")) {
                writes.add(request.getMethod() + " " + request.getPath());
            }
        }
        assertEquals(List.of(), writes, "no write when nothing differs");
        assertEquals(deployment.getMetadata().getResourceVersion(), deployment("cam-1-pi-1-tpu0").getMetadata().getResourceVersion());
        assertEquals(service.getMetadata().getResourceVersion(),
                client.services().inNamespace(NS).withName("cam-1").get().getMetadata().getResourceVersion());
    }

    @Test
    void aRemovedAppIsNotStartedAgainByTheNextPass() {
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-1", "mobilenet_v2", 200.0)).create();
        await(() -> cluster.snapshot().apps().size() == 1, "app seen");
        cluster.apply(new PlanStep.Place("cam-1", "pi-1/tpu0"));
        await(() -> cluster.snapshot().app("cam-1").flatMap(a -> a.accelerator()).isPresent(), "placement seen");

        assertEquals("deleted", cluster.apply(new PlanStep.Remove("cam-1")).kind());
        await(() -> cluster.snapshot().app("cam-1").flatMap(a -> a.accelerator()).isEmpty(), "runs nowhere");
        assertEquals(List.of(), cluster.progressMoves());
        assertEquals(List.of(), cluster.keepAsDeclared());
        assertNull(deployment("cam-1-pi-1-tpu0"));
        assertNull(client.services().inNamespace(NS).withName("cam-1").get());
    }
}
