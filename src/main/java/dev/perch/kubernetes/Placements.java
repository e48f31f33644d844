package dev.perch.kubernetes;

import dev.perch.cluster.ApplyResult;
import dev.perch.cluster.PlanStep;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.List;
import java.util.function.Function;

/**
 * Where an app runs, as Kubernetes objects: placing it (its Deployment on the accelerator and its
 * Service selecting it, both applied as {@link DesiredDeployment} and {@link DesiredService} say)
 * and removing it.
 */
final class Placements {
    private final KubernetesClient client;
    private final String namespace;
    private final Applier applier;
    private final AppStatusWriter status;

    Placements(KubernetesClient client, String namespace, Applier applier, AppStatusWriter status) {
        this.client = client;
        this.namespace = namespace;
        this.applier = applier;
        this.status = status;
    }

    /**
     * Runs {@code app} (as read from the server) on the accelerator and sends its traffic there;
     * {@code deploymentsOf} lists the app's Deployments, so that one left on an accelerator it was
     * served on before (a lost node) goes.
     */
    ApplyResult place(InferenceApp app, PlanStep.Place place, Function<String, List<Deployment>> deploymentsOf) {
        String node = ObjectNames.nodeOf(place.accelerator());
        ApplyResult deployment = applier.deployment(DesiredDeployment.of(app, place.accelerator(), node), null);
        ApplyResult service = applier.service(DesiredService.of(app, place.accelerator()), null);
        String keep = ObjectNames.deploymentName(place.app(), place.accelerator());
        for (Deployment stale : deploymentsOf.apply(place.app())) {
            if (!stale.getMetadata().getName().equals(keep)) {
                client.apps().deployments().inNamespace(namespace).resource(stale).delete();
            }
        }
        status.update(app.getMetadata().getName(), s -> {
            s.setAccelerator(place.accelerator());
            s.setNode(node);
            status.condition(s, InferenceAppStatus.PLACED, "True", "Placed", "runs on " + place.accelerator());
            status.condition(s, InferenceAppStatus.UNSCHEDULABLE, "False", "Placed", "placed on " + place.accelerator());
        });
        status.event(app, "Placed", "placed on " + place.accelerator());
        if (deployment instanceof ApplyResult.Created) {
            return new ApplyResult.Created(place.app() + " started on " + place.accelerator());
        }
        if (deployment instanceof ApplyResult.Unchanged && service instanceof ApplyResult.Unchanged) {
            return new ApplyResult.Unchanged(place.app() + " already runs on " + place.accelerator());
        }
        return new ApplyResult.Patched(place.app() + " runs on " + place.accelerator() + " (" + deployment.detail() + "; "
                + service.detail() + ")");
    }

    /** Stops the app: its Deployments and its Service go. */
    ApplyResult remove(PlanStep.Remove remove, List<Deployment> deployments) {
        boolean deleted = false;
        for (Deployment deployment : deployments) {
            deleted |= !client.apps().deployments().inNamespace(namespace).resource(deployment).delete().isEmpty();
        }
        client.services().inNamespace(namespace).withName(remove.app()).delete();
        return deleted ? new ApplyResult.Deleted(remove.app() + " stopped")
                : new ApplyResult.Unchanged(remove.app() + " was not running");
    }
}
