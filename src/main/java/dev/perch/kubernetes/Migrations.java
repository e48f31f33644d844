package dev.perch.kubernetes;

import dev.perch.cluster.ActuationException;
import dev.perch.cluster.ApplyResult;
import dev.perch.cluster.PlanStep;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The make-before-break move of an app from one accelerator to another, as a state machine kept in
 * the InferenceApp's {@code status.migration}, so that any controller replica can carry it on:
 * <ol>
 *   <li>{@link #start}: the target Deployment is applied; phase {@value #STARTING}; traffic stays on
 *   the source;</li>
 *   <li>{@link #progress}, once the target is ready: the Service's selector switches to the target;
 *   phase {@value #SWITCHED};</li>
 *   <li>next progress: the source Deployment is deleted and the migration cleared.</li>
 * </ol>
 * A target not ready within the ready timeout is rolled back: deleted, the migration cleared, the
 * app left serving on its source, and the failure reported as a condition and an Event. At no step
 * is the app left without its serving Deployment. Each step reads the cluster afresh and may be
 * taken twice (a stale cache, a new leader) without harm.
 */
final class Migrations {
    static final String STARTING = "Starting";
    static final String SWITCHED = "Switched";
    private static final Logger LOG = Logger.getLogger(Migrations.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Applier applier;
    private final AppStatusWriter status;
    private final Duration readyTimeout;
    private final Clock clock;

    Migrations(KubernetesClient client, String namespace, Applier applier, AppStatusWriter status, Duration readyTimeout,
               Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.applier = applier;
        this.status = status;
        this.readyTimeout = readyTimeout;
        this.clock = clock;
    }

    /** Step 1 for {@code app} as read from the server: the target starts, traffic stays where it is. */
    ApplyResult start(InferenceApp app, PlanStep.Move move) {
        InferenceAppStatus current = app.getStatus();
        if (current == null || !move.from().equals(current.getAccelerator())) {
            throw new ActuationException(move.app() + " is not served on " + move.from() + " (it is on "
                    + (current == null ? null : current.getAccelerator()) + ")");
        }
        if (current.getMigration() != null) {
            throw new ActuationException(move.app() + " is already moving to " + current.getMigration().getTo());
        }
        applier.deployment(DesiredDeployment.of(app, move.to(), ObjectNames.nodeOf(move.to())), null);
        long now = clock.millis();
        status.update(move.app(), s -> {
            InferenceAppStatus.Migration migration = new InferenceAppStatus.Migration();
            migration.setFrom(move.from());
            migration.setTo(move.to());
            migration.setPhase(STARTING);
            migration.setStartedAtMs(now);
            s.setMigration(migration);
            status.condition(s, InferenceAppStatus.MIGRATING, "True", STARTING, "starting on " + move.to()
                    + "; traffic stays on " + move.from() + " until it is ready");
        });
        status.event(app, "Migrating", "starting on " + move.to() + ", traffic on " + move.from() + " until it is ready");
        return new ApplyResult.Patched(move.app() + " starting on " + move.to() + "; traffic switches from " + move.from()
                + " when it is ready");
    }

    /**
     * Carries every migration among {@code apps} one step further and rolls back those whose target
     * did not become ready in time; one line per step taken. A step that fails is reported and
     * tried again on the next call.
     */
    List<String> progress(Collection<InferenceApp> apps) {
        List<String> outcomes = new ArrayList<>();
        for (InferenceApp app : apps) {
            InferenceAppStatus current = app.getStatus();
            if (current == null || current.getMigration() == null) {
                continue;
            }
            try {
                outcomes.add(advance(app, current.getMigration()));
            } catch (KubernetesClientException e) {
                outcomes.add(app.getMetadata().getName() + ": step failed, retried next time: " + e.getMessage());
                LOG.warnf("migration step of %s failed: %s", app.getMetadata().getName(), e.getMessage());
            }
        }
        return outcomes;
    }

    private String advance(InferenceApp app, InferenceAppStatus.Migration migration) {
        String name = app.getMetadata().getName();
        if (SWITCHED.equals(migration.getPhase())) {
            deleteDeployment(name, migration.getFrom());
            status.update(name, s -> {
                s.setMigration(null);
                status.condition(s, InferenceAppStatus.MIGRATING, "False", "Completed", "moved from " + migration.getFrom()
                        + " to " + migration.getTo());
            });
            status.event(app, "Migrated", "moved from " + migration.getFrom() + " to " + migration.getTo());
            return name + ": " + migration.getFrom() + " removed; moved to " + migration.getTo();
        }
        if (ready(name, migration.getTo())) {
            applier.service(DesiredService.of(app, migration.getTo()), null);
            String node = ObjectNames.nodeOf(migration.getTo());
            status.update(name, s -> {
                s.setAccelerator(migration.getTo());
                s.setNode(node);
                s.getMigration().setPhase(SWITCHED);
                status.condition(s, InferenceAppStatus.MIGRATING, "True", SWITCHED, "traffic on " + migration.getTo()
                        + "; removing " + migration.getFrom());
            });
            return name + ": traffic switched to " + migration.getTo();
        }
        long waited = clock.millis() - (migration.getStartedAtMs() == null ? 0 : migration.getStartedAtMs());
        if (waited > readyTimeout.toMillis()) {
            deleteDeployment(name, migration.getTo());
            String message = String.format(Locale.ROOT, "rolled back: %s was not ready within %d s; still served on %s",
                    migration.getTo(), readyTimeout.toSeconds(), migration.getFrom());
            status.update(name, s -> {
                s.setMigration(null);
                status.condition(s, InferenceAppStatus.MIGRATING, "False", "RolledBack", message);
            });
            status.event(app, "MigrationRolledBack", message);
            return name + ": " + message;
        }
        return name + ": waiting for " + migration.getTo() + " to be ready";
    }

    private void deleteDeployment(String app, String accelerator) {
        client.apps().deployments().inNamespace(namespace).withName(ObjectNames.deploymentName(app, accelerator)).delete();
    }

    /** Read from the server, not the cache: traffic must not switch to a copy that only looked ready. */
    private boolean ready(String app, String accelerator) {
        Deployment deployment = client.apps().deployments().inNamespace(namespace)
                .withName(ObjectNames.deploymentName(app, accelerator)).get();
        return deployment != null && deployment.getStatus() != null && deployment.getStatus().getReadyReplicas() != null
                && deployment.getStatus().getReadyReplicas() >= 1;
    }
}
