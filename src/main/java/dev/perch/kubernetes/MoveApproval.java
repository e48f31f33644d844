package dev.perch.kubernetes;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An operator's approval of one move Perch proposed in approval mode ({@code perch.dev/v1alpha1}):
 * the app and the exact move, from one accelerator to another. A resource of its own, not an
 * annotation on the InferenceApp, so that RBAC can grant approving apart from editing apps (the
 * {@code perch-approver} ClusterRole in {@code deploy/base/rbac.yaml}). Perch writes the status once
 * the approval has released its move; a used approval approves nothing more ({@link KubernetesApprovals}).
 * The CRD in {@code deploy/base/} is generated from these types ({@code CrdGenerationTest}).
 */
@Group("perch.dev")
@Version("v1alpha1")
@ShortNames("mvapproval")
public class MoveApproval extends CustomResource<MoveApprovalSpec, MoveApprovalStatus> implements Namespaced {
    public static final String KIND = "MoveApproval";
}
