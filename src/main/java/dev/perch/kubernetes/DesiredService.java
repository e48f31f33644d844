package dev.perch.kubernetes;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

import java.util.Map;
import java.util.Set;

import static dev.perch.kubernetes.ObjectNames.ACCELERATOR_LABEL;
import static dev.perch.kubernetes.ObjectNames.APP_LABEL;
import static dev.perch.kubernetes.ObjectNames.MANAGED_BY;

/**
 * The Service an app's clients call: named as the app, port {@code http} 8080, selecting the pods
 * of the one accelerator that serves the app's traffic. Switching that selector is how a move hands
 * traffic over, so the selector is kept exactly ({@link #EXACT}): a selector key Perch did not set
 * would select no pod and is removed. A pure function, tested without a server.
 */
final class DesiredService {
    /** Paths (JSON pointers) of maps kept exactly as built, not merely containing what is built. */
    static final Set<String> EXACT = Set.of("/spec/selector");

    private DesiredService() {
    }

    /** The Service of {@code app}, sending its traffic to {@code accelerator}. */
    static Service of(InferenceApp inferenceApp, String accelerator) {
        String app = inferenceApp.getMetadata().getName();
        return new ServiceBuilder()
                .withNewMetadata().withName(app).withNamespace(inferenceApp.getMetadata().getNamespace()).addToLabels(MANAGED_BY, ObjectNames.PERCH).endMetadata()
                .withNewSpec().withSelector(Map.of(APP_LABEL, app, ACCELERATOR_LABEL, ObjectNames.slug(accelerator)))
                .addNewPort().withName("http").withPort(8080).endPort().endSpec()
                .build();
    }
}
