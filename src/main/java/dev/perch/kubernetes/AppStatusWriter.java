package dev.perch.kubernetes;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * What Perch tells an app's owner on the InferenceApp itself: its status (through the status
 * subresource, stamped with the generation it was written for) and Kubernetes Events, so that
 * {@code kubectl describe infapp} tells the story. Times come from the injected clock, so that
 * tests and the simulated clock see the times they set.
 */
final class AppStatusWriter {
    private static final Logger LOG = Logger.getLogger(AppStatusWriter.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Clock clock;

    AppStatusWriter(KubernetesClient client, String namespace, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
    }

    /** Changes the status of {@code app} as {@code change} says, on the status as it is now on the server. */
    void update(String app, Consumer<InferenceAppStatus> change) {
        client.resources(InferenceApp.class).inNamespace(namespace).withName(app).editStatus(current -> {
            if (current.getStatus() == null) {
                current.setStatus(new InferenceAppStatus());
            }
            change.accept(current.getStatus());
            current.getStatus().setObservedGeneration(current.getMetadata().getGeneration());
            return current;
        });
    }

    /** Sets the condition of {@code type} on {@code status} ({@link Conditions#set}), now by the clock. */
    void condition(InferenceAppStatus status, String type, String value, String reason, String message) {
        status.setConditions(Conditions.set(status.getConditions(), type, value, reason, message,
                Instant.ofEpochMilli(clock.millis())));
    }

    /** A Normal Event on the InferenceApp; one that cannot be written is not worth failing a step for. */
    void event(InferenceApp app, String reason, String message) {
        String name = app.getMetadata().getName() + "." + Long.toHexString(clock.millis()) + "." + Integer.toHexString(
                (reason + message).hashCode());
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(app.getApiVersion()).withKind(InferenceApp.KIND)
                            .withName(app.getMetadata().getName()).withNamespace(namespace).withUid(app.getMetadata().getUid()).build())
                    .withReason(reason).withMessage(message.length() > 1000 ? message.substring(0, 999) + "…" : message)
                    .withType("Normal")
                    .withFirstTimestamp(Instant.ofEpochMilli(clock.millis()).toString())
                    .withNewSource().withComponent("perch").endSource().build()).create();
        } catch (KubernetesClientException e) {
            LOG.debugf("event %s on %s not written: %s", reason, app.getMetadata().getName(), e.getMessage());
        }
    }
}
