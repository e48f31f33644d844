package dev.perch.kubernetes;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The nodes and InferenceApps the tests against the mock API server start from. */
public final class KubernetesFixtures {
    /** The namespace the tests' InferenceApps live in. */
    public static final String NS = "edge";

    private KubernetesFixtures() {
    }

    /** A 4 GiB node labelled with one accelerator type. */
    public static void acceleratorNode(KubernetesClient client, String name, String type) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels(Inventory.ACCELERATOR_TYPE, type).endMetadata()
                .withNewStatus().addToCapacity("memory", new Quantity("4Gi")).endStatus().build()).create();
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
