package dev.perch.kubernetes;

import dev.perch.model.profile.AcceleratorType;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
