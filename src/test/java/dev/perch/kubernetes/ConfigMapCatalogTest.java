package dev.perch.kubernetes;

import dev.perch.controller.ControllerSettings;
import dev.perch.cluster.RunningApp;
import dev.perch.controller.LiveRates;
import dev.perch.controller.Reconciler;
import dev.perch.controller.RecordingOutputs;
import dev.perch.controller.Consolidation;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.sim.SimClock;
import dev.perch.telemetry.DecisionRecord;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.acceleratorNode;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@EnableKubernetesMockClient(crud = true)
class ConfigMapCatalogTest {
    KubernetesClient client;

    private void put(String yaml) {
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName(ConfigMapCatalog.NAME)
                .withNamespace(NS).endMetadata().addToData(ConfigMapCatalog.KEY, yaml).build()).createOr(c -> c.update());
    }

    @Test
    void theCatalogFollowsTheConfigMapAndABadOneChangesNothing() {
        try (ConfigMapCatalog catalog = new ConfigMapCatalog(client, NS)) {
            assertTrue(catalog.get().knows("inception_v3"), "without the ConfigMap: the shipped catalog");

            put("models:\n  custom_net: {edgetpu: {serviceMs: 12.5, swapMs: 3, memoryMb: 40}}\n");
            await(() -> catalog.get().knows("custom_net"), "the ConfigMap's catalog");
            assertEquals(12.5, catalog.get().profile("custom_net", AcceleratorType.EDGETPU).orElseThrow().serviceMs());

            put("models:\n  custom_net: {edgetpu: {serviceMs: -1}}\n");
            await(() -> catalog.lastError() != null, "the bad catalog refused");
            assertTrue(catalog.lastError().startsWith("ConfigMap perch-catalog: models.custom_net"), catalog.lastError());
            assertTrue(catalog.get().knows("custom_net"), "the last good catalog stays");

            client.configMaps().inNamespace(NS).withName(ConfigMapCatalog.NAME).delete();
            await(() -> catalog.get().knows("inception_v3") && !catalog.get().knows("custom_net"), "back to the shipped one");
        }
    }

    /**
     * An operator adds a newly profiled model to the ConfigMap, for GPUs only, then its Edge TPU
     * profile: the app of that model, refused while no accelerator of the cluster fits its profiles,
     * is placed at the controller's next pass after the profile that fits the cluster arrives — no
     * restart, and no waiting out the backoff of its earlier refusal.
     */
    @Test
    void anAppOfAModelAddedToTheConfigMapIsPlacedAtTheNextPass() {
        acceleratorNode(client, "pi-1", "edgetpu");
        Instant now = Instant.parse("2026-11-27T00:00:00Z");
        SimClock clock = new SimClock(now::toEpochMilli);
        List<DecisionRecord> decisions = new ArrayList<>();
        try (KubernetesCluster cluster = new KubernetesCluster(client, NS, new ConfigMapCatalog(client, NS), 10,
                Duration.ofSeconds(120), clock)) {
            await(cluster::synced, "informers synced");
            Reconciler controller = Reconciler.builder(cluster, cluster, clock)
                    .catalog(cluster::catalog).rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(decisions))
                .settings(ControllerSettings.DEFAULT.withConsolidation(Consolidation.OFF)).build();
            controller.reportTo(cluster);
            client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-1", "custom_net", 200.0)).create();
            // Profiled for GPUs only, and the cluster has none: no accelerator takes it.
            put("models:\n  custom_net: {gpu: {serviceMs: 8, memoryMb: 600}}\n");
            await(() -> cluster.catalog().knows("custom_net") && cluster.snapshot().app("cam-1").isPresent(),
                    "the ConfigMap's catalog, and cam-1 seen");
            assertFalse(unschedulable("cam-1"), "an app is valid whatever its model's profiles");
            controller.pass();
            assertEquals("none", decisions.get(decisions.size() - 1).action(), decisions.toString());
            controller.pass();
            assertEquals(1, decisions.size(), "refused once, then waiting out its backoff");

            // Profiled for the Edge TPU too: placed at the next pass, the clock not moved at all.
            put("models:\n  custom_net: {gpu: {serviceMs: 8, memoryMb: 600}, edgetpu: {serviceMs: 12.5, swapMs: 3, memoryMb: 40}}\n");
            await(() -> cluster.catalog().profile("custom_net", AcceleratorType.EDGETPU).isPresent(), "the new profile");
            controller.pass();
            DecisionRecord place = decisions.get(decisions.size() - 1);
            assertEquals(List.of("cam-1", "place", "pi-1/tpu0", "created"),
                    java.util.Arrays.asList(place.app(), place.action(), place.to(), place.result()), place.toString());
            await(() -> cluster.snapshot().app("cam-1").flatMap(RunningApp::accelerator).isPresent(), "cam-1 placed");
        }
    }

    private boolean unschedulable(String app) {
        InferenceApp resource = client.resources(InferenceApp.class).inNamespace(NS).withName(app).get();
        return resource != null && resource.getStatus() != null && resource.getStatus().getConditions() != null
                && resource.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Unschedulable") && c.getStatus().equals("True"));
    }
}
