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
import java.util.Optional;
import java.util.function.Function;

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
 * A target not ready within the ready timeout, or whose node is lost (deleted or not Ready), is
 * rolled back: deleted, the migration cleared, the app left serving on its source, and the failure
 * reported as a condition and an Event. The move is recorded before its target is created, so a
 * leader that dies between the two leaves nothing that no replica knows of. At no step
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
        // The move is recorded before its target is created: a leader killed between the two leaves a
        // move another replica carries on (creating the target, advance), never a Deployment that no
        // status names and no replica would ever remove.
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
        try {
            applier.deployment(DesiredDeployment.of(app, move.to(), ObjectNames.nodeOf(move.to())), null);
        } catch (KubernetesClientException e) {
            // Not started after all: the move is taken back, so the decision's "failed" is what the cluster shows.
            status.update(move.app(), s -> s.setMigration(null));
            throw e;
        }
        status.event(app, "Migrating", "starting on " + move.to() + ", traffic on " + move.from() + " until it is ready");
        return new ApplyResult.Patched(move.app() + " starting on " + move.to() + "; traffic switches from " + move.from()
                + " when it is ready");
    }

    /**
     * Carries every migration among {@code apps} one step further and rolls back those whose target
     * did not become ready in time or left the cluster; one line per step taken. {@code lost} says why
     * an accelerator is no longer the cluster's (its node deleted or not Ready), empty while it is. A
     * step that fails is reported and tried again on the next call.
     */
    List<String> progress(Collection<InferenceApp> apps, Function<String, Optional<String>> lost) {
        List<String> outcomes = new ArrayList<>();
        for (InferenceApp app : apps) {
            InferenceAppStatus current = app.getStatus();
            if (current == null || current.getMigration() == null) {
                continue;
            }
            try {
                outcomes.add(advance(app, current.getMigration(), lost));
            } catch (KubernetesClientException e) {
                outcomes.add(app.getMetadata().getName() + ": step failed, retried next time: " + e.getMessage());
                LOG.warnf("migration step of %s failed: %s", app.getMetadata().getName(), e.getMessage());
            }
        }
        return outcomes;
    }

    private String advance(InferenceApp app, InferenceAppStatus.Migration migration, Function<String, Optional<String>> lost) {
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
        Optional<String> gone = lost.apply(migration.getTo());
        if (gone.isPresent()) {
            // Its node will not make it ready (or keep it running): waiting out the ready timeout
            // would only keep the app's room taken there and the apps waiting for that room waiting.
            return rollBack(app, migration, String.format(Locale.ROOT, "rolled back: %s left the cluster (%s); still served on %s",
                    migration.getTo(), gone.get(), migration.getFrom()));
        }
        Deployment target = deployment(name, migration.getTo());
        if (target == null) {
            // Recorded, but the leader that recorded it stopped before creating the target.
            applier.deployment(DesiredDeployment.of(app, migration.getTo(), ObjectNames.nodeOf(migration.getTo())), null);
            return name + ": " + migration.getTo() + " started (the move was recorded, its target not yet created)";
        }
        if (ready(target)) {
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
            return rollBack(app, migration, String.format(Locale.ROOT, "rolled back: %s was not ready within %d s; still served on %s",
                    migration.getTo(), readyTimeout.toSeconds(), migration.getFrom()));
        }
        return name + ": waiting for " + migration.getTo() + " to be ready";
    }

    /** The target goes, the migration is cleared, the app stays served on its source; the owner is told why. */
    private String rollBack(InferenceApp app, InferenceAppStatus.Migration migration, String message) {
        String name = app.getMetadata().getName();
        deleteDeployment(name, migration.getTo());
        status.update(name, s -> {
            s.setMigration(null);
            status.condition(s, InferenceAppStatus.MIGRATING, "False", "RolledBack", message);
        });
        status.event(app, "MigrationRolledBack", message);
        return name + ": " + message;
    }

    private void deleteDeployment(String app, String accelerator) {
        client.apps().deployments().inNamespace(namespace).withName(ObjectNames.deploymentName(app, accelerator)).delete();
    }

    /** Read from the server, not the cache: traffic must not switch to a copy that only looked ready. */
    private Deployment deployment(String app, String accelerator) {
        return client.apps().deployments().inNamespace(namespace).withName(ObjectNames.deploymentName(app, accelerator)).get();
    }

    private static boolean ready(Deployment deployment) {
        return deployment.getStatus() != null && deployment.getStatus().getReadyReplicas() != null
                && deployment.getStatus().getReadyReplicas() >= 1;
    }
}
