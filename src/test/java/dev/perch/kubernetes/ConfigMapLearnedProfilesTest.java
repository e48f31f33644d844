package dev.perch.kubernetes;

import dev.perch.cluster.ActuationException;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.LearnedProfile;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** learned.yaml of the perch-catalog ConfigMap, against the mock API server: what Perch keeps, what an operator does to it. */
@EnableKubernetesMockClient(crud = true)
class ConfigMapLearnedProfilesTest {
    private static final String SOURCE = "learned online from cam-9 on pi-1/tpu0, 1234 requests, 2026-11-27T10:15:30Z";
    private static final String HAND_WRITTEN = "models:\n  new_net: {edgetpu: {serviceMs: 20, swapMs: 9, memoryMb: 60, source: bench}}\n";
    KubernetesClient client;
    KubernetesMockServer server;

    private static LearnedProfile learned(String model, AcceleratorType type, double serviceMs) {
        return new LearnedProfile(model, type, serviceMs, 6.0, 55, "cam-9", "pi-1/tpu0", 1234,
                Instant.parse("2026-11-27T10:15:30.500Z"));
    }

    private ConfigMap configMap() {
        return client.configMaps().inNamespace(NS).withName(ConfigMapCatalog.NAME).get();
    }

    /** Sets one key of the ConfigMap as an operator's kubectl edit would, leaving the others. */
    private void edit(String key, String yaml) {
        ConfigMap current = configMap();
        if (current == null) {
            client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName(ConfigMapCatalog.NAME)
                    .withNamespace(NS).endMetadata().addToData(key, yaml).build()).create();
            return;
        }
        client.configMaps().inNamespace(NS).withName(ConfigMapCatalog.NAME).edit(c -> new ConfigMapBuilder(c).addToData(key, yaml).build());
    }

    private static Optional<ModelProfile> profile(ConfigMapCatalog catalog, String model, AcceleratorType type) {
        return catalog.get().profile(model, type);
    }

    @Test
    void keepCreatesTheConfigMapWithTheLearnedProfileAndARestartedControllerReadsItBack() {
        try (ConfigMapCatalog catalog = new ConfigMapCatalog(client, NS)) {
            ConfigMapLearnedProfiles store = new ConfigMapLearnedProfiles(client, NS, catalog);
            store.keep(learned("new_net", AcceleratorType.EDGETPU, 14.2));

            ConfigMap written = configMap();
            assertEquals(Set.of("learned.yaml"), written.getData().keySet(), "created with learned.yaml only");
            String yaml = written.getData().get("learned.yaml");
            assertTrue(yaml.startsWith("# Written by Perch"), yaml);
            assertTrue(yaml.contains("source: \"" + SOURCE + "\""), yaml);

            await(() -> profile(catalog, "new_net", AcceleratorType.EDGETPU).isPresent(), "the learned profile in the catalog");
            assertEquals(new ModelProfile(14.2, 6.0, 55, SOURCE), profile(catalog, "new_net", AcceleratorType.EDGETPU).orElseThrow());
            assertTrue(catalog.get().knows("inception_v3"), "without catalog.yaml: the shipped catalog, plus learned.yaml");
            assertEquals(Set.of("new_net"), store.learned().models().keySet());
            assertNull(catalog.learnedError());
        }
        try (ConfigMapCatalog restarted = new ConfigMapCatalog(client, NS)) {
            await(() -> profile(restarted, "new_net", AcceleratorType.EDGETPU).isPresent(), "read back after a restart");
            assertEquals(new ModelProfile(14.2, 6.0, 55, SOURCE), profile(restarted, "new_net", AcceleratorType.EDGETPU).orElseThrow());
        }
    }

    @Test
    void keepReplacesTheSameModelAndTypeKeepsTheRestAndNeverTouchesCatalogYaml() {
        edit("catalog.yaml", HAND_WRITTEN);
        try (ConfigMapCatalog catalog = new ConfigMapCatalog(client, NS)) {
            ConfigMapLearnedProfiles store = new ConfigMapLearnedProfiles(client, NS, catalog);
            store.keep(learned("other_net", AcceleratorType.EDGETPU, 30));
            store.keep(learned("other_net", AcceleratorType.GPU, 4));
            store.keep(learned("other_net", AcceleratorType.EDGETPU, 31));

            assertEquals(HAND_WRITTEN, configMap().getData().get("catalog.yaml"));
            await(() -> profile(catalog, "other_net", AcceleratorType.EDGETPU).filter(p -> p.serviceMs() == 31).isPresent()
                    && profile(catalog, "other_net", AcceleratorType.GPU).isPresent(), "both learned types");
            assertEquals(4, profile(catalog, "other_net", AcceleratorType.GPU).orElseThrow().serviceMs());
            assertEquals(Set.of("new_net", "other_net"), catalog.get().models().keySet(), "catalog.yaml's models, and the learned");
        }
    }

    @Test
    void aHandWrittenEntryForTheSameModelAndTypeReplacesTheLearnedOne() {
        try (ConfigMapCatalog catalog = new ConfigMapCatalog(client, NS)) {
            ConfigMapLearnedProfiles store = new ConfigMapLearnedProfiles(client, NS, catalog);
            store.keep(learned("new_net", AcceleratorType.EDGETPU, 14.2));
            store.keep(learned("new_net", AcceleratorType.GPU, 5));
            await(() -> profile(catalog, "new_net", AcceleratorType.EDGETPU).isPresent(), "learned");

            edit("catalog.yaml", HAND_WRITTEN);
            await(() -> !catalog.get().knows("inception_v3"), "the hand-written catalog");
            assertEquals(new ModelProfile(20, 9, 60, "bench"), profile(catalog, "new_net", AcceleratorType.EDGETPU).orElseThrow());
            assertEquals(SOURCE, profile(catalog, "new_net", AcceleratorType.GPU).orElseThrow().source(),
                    "the learned profile of a type catalog.yaml does not name stays");
            assertTrue(configMap().getData().get("learned.yaml").contains("serviceMs: 14.2"), "learned.yaml itself is left as it is");
        }
    }

    @Test
    void anOperatorsDeletionOfALearnedEntryIsNotUndoneByTheNextKeep() {
        try (ConfigMapCatalog catalog = new ConfigMapCatalog(client, NS)) {
            ConfigMapLearnedProfiles store = new ConfigMapLearnedProfiles(client, NS, catalog);
            store.keep(learned("new_net", AcceleratorType.EDGETPU, 14.2));
            edit("learned.yaml", "models: {}\n");
            store.keep(learned("other_net", AcceleratorType.EDGETPU, 30));
            String yaml = configMap().getData().get("learned.yaml");
            assertTrue(yaml.contains("other_net") && !yaml.contains("new_net"), yaml);
            await(() -> catalog.get().knows("other_net") && !catalog.get().knows("new_net"), "the catalog follows");
        }
    }

    @Test
    void aLearnedYamlThatDoesNotParseLeavesTheHandWrittenCatalogAndIsNotOverwritten() {
        String broken = "models:\n  new_net: {edgetpu: {serviceMs: -3}}\n";
        edit("catalog.yaml", HAND_WRITTEN);
        edit("learned.yaml", broken);
        try (ConfigMapCatalog catalog = new ConfigMapCatalog(client, NS)) {
            await(() -> catalog.learnedError() != null, "learned.yaml refused");
            assertTrue(catalog.learnedError().startsWith("ConfigMap perch-catalog key learned.yaml: models.new_net"),
                    catalog.learnedError());
            assertNull(catalog.lastError(), "catalog.yaml is fine");
            assertEquals(new ModelProfile(20, 9, 60, "bench"), profile(catalog, "new_net", AcceleratorType.EDGETPU).orElseThrow());

            ConfigMapLearnedProfiles store = new ConfigMapLearnedProfiles(client, NS, catalog);
            ActuationException refused = assertThrows(ActuationException.class,
                    () -> store.keep(learned("other_net", AcceleratorType.GPU, 4)));
            assertTrue(refused.getMessage().startsWith("learned profile of other_net on gpu not kept in ConfigMap perch-catalog:"
                    + " learned.yaml there does not parse"), refused.getMessage());
            assertEquals(-1, refused.getMessage().indexOf('\n'), "one line");
            assertEquals(broken, configMap().getData().get("learned.yaml"), "an operator's learned.yaml is never overwritten");
        }
    }

    @Test
    void theCatalogIsTheSameObjectUntilAKeyChanges() {
        edit("catalog.yaml", HAND_WRITTEN);
        try (ConfigMapCatalog catalog = new ConfigMapCatalog(client, NS)) {
            await(() -> catalog.get().knows("new_net"), "read");
            ProfileCatalog first = catalog.get();
            client.configMaps().inNamespace(NS).withName(ConfigMapCatalog.NAME)
                    .edit(c -> new ConfigMapBuilder(c).editMetadata().addToLabels("team", "vision").endMetadata().build());
            edit("catalog.yaml", "models: [");
            // The informer hands over updates in order: once the bad one is seen, so was the label's.
            await(() -> catalog.lastError() != null, "the bad catalog.yaml seen");
            assertSame(first, catalog.get(), "neither a label nor a refused key makes a new catalog");

            new ConfigMapLearnedProfiles(client, NS, catalog).keep(learned("other_net", AcceleratorType.GPU, 4));
            await(() -> catalog.get().knows("other_net"), "the learned profile");
            assertNotSame(first, catalog.get(), "a new catalog once learned.yaml changed");
            assertTrue(catalog.get().knows("new_net"), "with the last good catalog.yaml");
        }
    }

    /** The API server refuses a write made on a resourceVersion that changed since it was read: read again, a few times. */
    @Test
    void aConflictIsTriedAgainAFewTimesThenRefusedInOneLine() {
        edit("catalog.yaml", HAND_WRITTEN);
        String path = "/api/v1/namespaces/" + NS + "/configmaps/" + ConfigMapCatalog.NAME;
        Status conflict = new StatusBuilder().withCode(409).withReason("Conflict").withMessage("the object has been modified").build();
        try (ConfigMapCatalog catalog = new ConfigMapCatalog(client, NS)) {
            ConfigMapLearnedProfiles store = new ConfigMapLearnedProfiles(client, NS, catalog);
            server.expect().put().withPath(path).andReturn(409, conflict).times(2);
            store.keep(learned("other_net", AcceleratorType.GPU, 4));
            assertTrue(configMap().getData().get("learned.yaml").contains("other_net"), "written at the third try");

            server.expect().put().withPath(path).andReturn(409, conflict).times(ConfigMapLearnedProfiles.ATTEMPTS);
            ActuationException refused = assertThrows(ActuationException.class,
                    () -> store.keep(learned("third_net", AcceleratorType.GPU, 4)));
            assertEquals("learned profile of third_net on gpu not kept in ConfigMap perch-catalog: it kept changing while written, 5 times",
                    refused.getMessage());
            assertTrue(!configMap().getData().get("learned.yaml").contains("third_net"));
        }
    }
}
