package dev.perch.kubernetes;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An inference app as its owner declares it to Perch on Kubernetes ({@code perch.dev/v1alpha1}): the
 * model, its image, where it may run, the rate it expects and its latency SLO. Perch writes the
 * status: where it runs, its predicted and observed latency, and conditions that say why in SLO
 * terms. The CRD in {@code deploy/base/} is generated from these types ({@code CrdGenerationTest}).
 */
@Group("perch.dev")
@Version("v1alpha1")
@ShortNames("infapp")
public class InferenceApp extends CustomResource<InferenceAppSpec, InferenceAppStatus> implements Namespaced {
    public static final String KIND = "InferenceApp";

    @Override
    protected InferenceAppStatus initStatus() {
        return new InferenceAppStatus();
    }

}
