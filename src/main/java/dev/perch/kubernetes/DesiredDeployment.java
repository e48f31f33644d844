package dev.perch.kubernetes;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

import java.util.ArrayList;
import java.util.List;
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
    /** The container that runs the model (the one whose memory a profile counts). */
    static final String BACKEND = "backend";
    /** Paths (JSON pointers) of the built object that a patch never carries. */
    static final Set<String> LEAVE_ALONE = Set.of("/spec/selector");
    /**
     * The node agent's push port on every node: its DaemonSet's {@code push.port}, exposed as a host
     * port (deploy/base/agent-daemonset.yaml; a test holds the two equal).
     */
    static final int AGENT_PUSH_PORT = 9464;
    /** The Secret (and key) holding the agent's push token, the same one its DaemonSet reads; optional. */
    static final String AGENT_PUSH_SECRET = "perch-agent-push";
    static final String AGENT_PUSH_SECRET_KEY = "token";

    private DesiredDeployment() {
    }

    /**
     * The Deployment running {@code app} on {@code accelerator} of {@code node}. An app that pushes
     * its requests to the node agent ({@code spec.telemetry.push}) is also told where:
     * {@code PERCH_AGENT_PUSH_URL} on its node's IP (the agent's host port) and, when the Secret
     * exists, {@code PERCH_AGENT_PUSH_TOKEN}.
     */
    static Deployment of(InferenceApp app, String accelerator, String node) {
        String name = app.getMetadata().getName();
        Map<String, String> labels = Map.of(MANAGED_BY, ObjectNames.PERCH, APP_LABEL, name,
                ACCELERATOR_LABEL, ObjectNames.slug(accelerator));
        List<EnvVar> env = new ArrayList<>(List.of(new EnvVar("PERCH_APP", name, null),
                new EnvVar("PERCH_MODEL", app.getSpec().getModel(), null), new EnvVar("PERCH_ACCELERATOR", accelerator, null)));
        InferenceAppTelemetry telemetry = app.getSpec().getTelemetry();
        if (telemetry != null && telemetry.getPush() != null) {
            env.add(new EnvVarBuilder().withName("PERCH_NODE_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.hostIP")
                    .endFieldRef().endValueFrom().build());
            env.add(new EnvVar("PERCH_AGENT_PUSH_URL", "http://$(PERCH_NODE_IP):" + AGENT_PUSH_PORT + "/v1/requests", null));
            env.add(new EnvVarBuilder().withName("PERCH_AGENT_PUSH_TOKEN").withNewValueFrom().withNewSecretKeyRef()
                    .withName(AGENT_PUSH_SECRET).withKey(AGENT_PUSH_SECRET_KEY).withOptional(true).endSecretKeyRef()
                    .endValueFrom().build());
        }
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
                .addNewContainer().withName(BACKEND).withImage(app.getSpec().getImage()).withEnv(env)
                .endContainer().endSpec().endTemplate().endSpec().build();
    }
}
