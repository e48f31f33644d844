package dev.perch.kubernetes;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsBuilder;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

import java.util.OptionalDouble;

import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** An app's backend memory from the metrics API, as metrics-server answers it; nothing where none runs. */
@EnableKubernetesMockClient(crud = true)
class PodMemoryTest {
    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void theBackendContainersWorkingSetInMiB() {
        server.expect().get().withPath("/apis/metrics.k8s.io/v1beta1/namespaces/" + NS + "/pods?labelSelector=perch.dev%2Fapp%3Ddoor")
                .andReturn(200, new PodMetricsListBuilder().addToItems(new PodMetricsBuilder().withNewMetadata()
                        .withName("door-pi-2-tpu0-abc").endMetadata()
                        .addNewContainer().withName("backend").addToUsage("memory", new Quantity("120Mi"))
                        .addToUsage("cpu", new Quantity("250m")).endContainer()
                        .addNewContainer().withName("sidecar").addToUsage("memory", new Quantity("1Gi")).endContainer()
                        .build()).build()).always();
        assertEquals(OptionalDouble.of(120), new PodMemory(client, NS).residentMb("door"), "the backend's, not the sidecar's");
    }

    @Test
    void withoutAMetricsServerTheMemoryIsUnknown() {
        server.expect().get().withPath("/apis/metrics.k8s.io/v1beta1/namespaces/" + NS + "/pods?labelSelector=perch.dev%2Fapp%3Ddoor")
                .andReturn(404, "404 page not found").always();
        assertEquals(OptionalDouble.empty(), new PodMemory(client, NS).residentMb("door"));
    }
}
