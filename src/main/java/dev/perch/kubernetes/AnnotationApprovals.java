package dev.perch.kubernetes;

import dev.perch.cluster.Approvals;
import dev.perch.cluster.PlanStep;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Map;

/**
 * Approval mode on Kubernetes, as Strimzi does for Cruise Control proposals: Perch writes the move
 * it proposes on the InferenceApp ({@value #PROPOSED}, with {@value #PROPOSED_REASON}), and makes it
 * only once an operator copies it into {@value #APPROVED}:
 * <pre>kubectl annotate infapp cam-1 perch.dev/approved-move="pi-1/tpu0 -> pi-2/tpu0"</pre>
 */
public final class AnnotationApprovals implements Approvals {
    public static final String PROPOSED = "perch.dev/proposed-move";
    public static final String PROPOSED_REASON = "perch.dev/proposed-move-reason";
    public static final String APPROVED = "perch.dev/approved-move";

    private final KubernetesClient client;
    private final String namespace;

    public AnnotationApprovals(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    static String spelled(PlanStep.Move move) {
        return move.from() + " -> " + move.to();
    }

    @Override
    public boolean approved(PlanStep.Move move) {
        InferenceApp app = client.resources(InferenceApp.class).inNamespace(namespace).withName(move.app()).get();
        Map<String, String> annotations = app == null ? null : app.getMetadata().getAnnotations();
        return annotations != null && spelled(move).equals(annotations.get(APPROVED));
    }

    @Override
    public void propose(PlanStep.Move move, String reason) {
        InferenceApp app = client.resources(InferenceApp.class).inNamespace(namespace).withName(move.app()).get();
        if (app == null) {
            return;
        }
        Map<String, String> annotations = app.getMetadata().getAnnotations();
        if (annotations != null && spelled(move).equals(annotations.get(PROPOSED))) {
            return;
        }
        client.resources(InferenceApp.class).inNamespace(namespace).withName(move.app()).edit(current -> {
            current.getMetadata().getAnnotations().put(PROPOSED, spelled(move));
            current.getMetadata().getAnnotations().put(PROPOSED_REASON, reason);
            return current;
        });
    }
}
