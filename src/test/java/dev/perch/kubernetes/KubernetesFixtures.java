package dev.perch.kubernetes;

import dev.perch.model.profile.ScenarioReader;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Clock;
import java.time.Duration;

/** The nodes and InferenceApps the tests against the mock API server start from. */
public final class KubernetesFixtures {
    /** The namespace the tests' InferenceApps live in. */
    public static final String NS = "edge";

    private KubernetesFixtures() {
    }

    /**
     * Perch's view of the mock cluster as the tests run it: {@link #NS}, the default catalog, a
     * 10-second pass and two minutes for a move's new copy to be ready, on the test's clock.
     */
    public static KubernetesCluster cluster(KubernetesClient client, Clock clock) {
        return new KubernetesCluster(client, NS, ScenarioReader::defaultCatalog, 10, Duration.ofSeconds(120), clock);
    }

    /** {@link #cluster} once its informers have synced. */
    public static KubernetesCluster syncedCluster(KubernetesClient client, Clock clock) {
        KubernetesCluster cluster = cluster(client, clock);
        KubernetesClusterTest.await(cluster::synced, "informers synced");
        return cluster;
    }

    /** A 4 GiB node labelled with one accelerator type. */
    public static void acceleratorNode(KubernetesClient client, String name, String type) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels(Inventory.ACCELERATOR_TYPE, type).endMetadata()
                .withNewStatus().addToCapacity("memory", new Quantity("4Gi")).endStatus().build()).create();
    }

    /** A pod of the app's Deployment on the accelerator, as the kubelet would report it (the mock has none). */
    public static void pod(KubernetesClient client, String name, String app, String accelerator, String ip, boolean ready) {
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .addToLabels(ObjectNames.MANAGED_BY, ObjectNames.PERCH).addToLabels(ObjectNames.APP_LABEL, app)
                .addToLabels(ObjectNames.ACCELERATOR_LABEL, ObjectNames.slug(accelerator)).endMetadata()
                .withNewSpec().withNodeName(ObjectNames.nodeOf(accelerator)).endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip)
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus().build()).create();
    }

    /** An InferenceApp in {@link #NS} at 5 req/s with a mean SLO. */
    public static InferenceApp app(String name, String model, Double sloMs) {
        InferenceApp app = new InferenceApp();
        app.getMetadata().setName(name);
        app.getMetadata().setNamespace(NS);
        InferenceAppSpec spec = new InferenceAppSpec();
        spec.setModel(model);
        spec.setImage("registry.example.com/" + model + ":1");
        spec.setExpectedRatePerSec(5);
        spec.setSloMs(sloMs);
        spec.setSloStatistic(SloKind.MEAN);
        app.setSpec(spec);
        return app;
    }
}
