package dev.perch.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

import java.util.Map;
import java.util.Set;

import static dev.perch.kubernetes.ObjectNames.ACCELERATOR_LABEL;
import static dev.perch.kubernetes.ObjectNames.APP_LABEL;
import static dev.perch.kubernetes.ObjectNames.MANAGED_BY;

/**
 * The Deployment an app should have on one accelerator, from its InferenceApp alone: one replica
 * of the app's image, pinned to the accelerator's node by hostname, told its app, model and
 * accelerator through the environment, and owned by the InferenceApp so that deleting the app
 * deletes it. A pure function, so what Perch asks of the cluster is tested without a server.
 *
 * <p>The selector is part of what is built (a new Deployment needs one) but never of what is
 * patched ({@link #LEAVE_ALONE}): the API server refuses to change a Deployment's selector, and
 * Deployments made by earlier versions must keep updating.
 */
final class DesiredDeployment {
    /** Paths (JSON pointers) of the built object that a patch never carries. */
    static final Set<String> LEAVE_ALONE = Set.of("/spec/selector");

    private DesiredDeployment() {
    }

    /** The Deployment running {@code app} on {@code accelerator} of {@code node}. */
    static Deployment of(InferenceApp app, String accelerator, String node) {
        String name = app.getMetadata().getName();
        Map<String, String> labels = Map.of(MANAGED_BY, ObjectNames.PERCH, APP_LABEL, name,
                ACCELERATOR_LABEL, ObjectNames.slug(accelerator));
        return new DeploymentBuilder()
                .withNewMetadata().withName(ObjectNames.deploymentName(name, accelerator))
                .withNamespace(app.getMetadata().getNamespace()).withLabels(labels)
                .addToAnnotations(ACCELERATOR_LABEL, accelerator)
                .addNewOwnerReference().withApiVersion(app.getApiVersion()).withKind(InferenceApp.KIND)
                .withName(name).withUid(app.getMetadata().getUid()).withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().addToNodeSelector(ObjectNames.HOSTNAME, node)
                .addNewContainer().withName("backend").withImage(app.getSpec().getImage())
                .addNewEnv().withName("PERCH_APP").withValue(name).endEnv()
                .addNewEnv().withName("PERCH_MODEL").withValue(app.getSpec().getModel()).endEnv()
                .addNewEnv().withName("PERCH_ACCELERATOR").withValue(accelerator).endEnv()
                .endContainer().endSpec().endTemplate().endSpec().build();
    }
}
