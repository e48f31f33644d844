package dev.perch.kubernetes;

import dev.perch.cluster.ApplyResult;
import dev.perch.cluster.PlanStep;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Where an app runs, as Kubernetes objects: placing it (its Deployment on the accelerator and its
 * Service selecting it), removing it, and keeping the objects of every placed app as its
 * InferenceApp declares them. The last is what makes the objects desired state rather than a
 * one-time creation: an owner who changes the image sees the Deployment patched in place — same
 * Deployment, same accelerator, no move — and an idle pass writes nothing.
 */
final class Placements {
    private static final Logger LOG = Logger.getLogger(Placements.class);

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

    /**
     * Stops the app: its Deployments and its Service go. While its InferenceApp is there
     * ({@code declared}), its status no longer names an accelerator: a removed app runs nowhere, and
     * {@link #keepAsDeclared} would otherwise start it again on the next pass.
     */
    ApplyResult remove(PlanStep.Remove remove, List<Deployment> deployments, boolean declared) {
        boolean deleted = false;
        for (Deployment deployment : deployments) {
            deleted |= !client.apps().deployments().inNamespace(namespace).resource(deployment).delete().isEmpty();
        }
        client.services().inNamespace(namespace).withName(remove.app()).delete();
        if (declared) {
            status.update(remove.app(), s -> {
                s.setAccelerator(null);
                s.setNode(null);
            });
        }
        return deleted ? new ApplyResult.Deleted(remove.app() + " stopped")
                : new ApplyResult.Unchanged(remove.app() + " was not running");
    }

    /**
     * Applies the Deployment and Service of every app among {@code apps} that is placed, not moving
     * (the move owns its objects until it ends) and served on one of {@code accelerators} (an app
     * whose node is gone is the planner's to place again, not this step's to recreate). The caches
     * spare a read per object; an object missing from them is created again only if the server
     * still has the app served there. One line per object written.
     */
    List<String> keepAsDeclared(Collection<InferenceApp> apps, Set<String> accelerators,
                                Function<String, Deployment> cachedDeployment, Function<String, Service> cachedService) {
        List<InferenceApp> placed = new ArrayList<>();
        for (InferenceApp app : apps) {
            if (settledOn(app).filter(accelerators::contains).isPresent()) {
                placed.add(app);
            }
        }
        placed.sort(Comparator.comparing(app -> app.getMetadata().getName()));
        List<String> outcomes = new ArrayList<>();
        for (InferenceApp app : placed) {
            String name = app.getMetadata().getName();
            String accelerator = app.getStatus().getAccelerator();
            try {
                Deployment deployment = DesiredDeployment.of(app, accelerator, ObjectNames.nodeOf(accelerator));
                Deployment liveDeployment = cachedDeployment.apply(deployment.getMetadata().getName());
                Service liveService = cachedService.apply(name);
                if ((liveDeployment == null || liveService == null) && !stillServedOn(name, accelerator)) {
                    continue;
                }
                report(name, applier.deployment(deployment, liveDeployment), outcomes);
                report(name, applier.service(DesiredService.of(app, accelerator), liveService), outcomes);
            } catch (KubernetesClientException e) {
                outcomes.add(name + ": not brought to its spec, tried again next pass: " + e.getMessage());
                LOG.warnf("objects of %s not brought to its spec: %s", name, e.getMessage());
            }
        }
        return outcomes;
    }

    /**
     * Whether the app, as the server has it now, is still served on the accelerator and not moving:
     * asked before an object is created again, because the apps' cache may be behind the objects'
     * (an app just removed would otherwise be started again by this pass).
     */
    private boolean stillServedOn(String app, String accelerator) {
        InferenceApp live = client.resources(InferenceApp.class).inNamespace(namespace).withName(app).get();
        return live != null && settledOn(live).equals(Optional.of(accelerator));
    }

    /** The accelerator the app is served on while it is neither moving nor being deleted; empty otherwise. */
    private static Optional<String> settledOn(InferenceApp app) {
        InferenceAppStatus status = app.getStatus();
        if (app.getMetadata().getDeletionTimestamp() != null || status == null || status.getMigration() != null) {
            return Optional.empty();
        }
        return Optional.ofNullable(status.getAccelerator());
    }

    private static void report(String app, ApplyResult result, List<String> outcomes) {
        if (!(result instanceof ApplyResult.Unchanged)) {
            LOG.infof("%s: %s, as its InferenceApp declares", app, result.detail());
            outcomes.add(app + ": " + result.detail());
        }
    }
}
