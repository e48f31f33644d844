package dev.perch.kubernetes;

import dev.perch.cluster.ActuationException;
import dev.perch.cluster.ApplyResult;
import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.ClusterNode;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.PlanStep;
import dev.perch.cluster.RunningApp;
import dev.perch.cluster.AppReports;
import dev.perch.model.profile.ProfileCatalog;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Perch's cluster ports on Kubernetes. Reads the cluster through informers (nodes, InferenceApps,
 * Perch's Deployments), never by polling; acts through one apply primitive with a typed result.
 *
 * <p>Each placed app runs as a Deployment pinned to its accelerator's node ({@code nodeSelector}
 * on the hostname; the accelerator id in the pod's environment), behind a Service whose selector
 * names the serving accelerator. A move is make-before-break and kept in the InferenceApp's
 * {@code status.migration}, so any controller replica can carry it on:
 * <ol>
 *   <li>{@link #apply} a Move: the target Deployment is created; phase {@code Starting}; traffic stays
 *   on the source;</li>
 *   <li>{@link #progressMoves}, once the target is ready: the Service's selector switches to
 *   the target; phase {@code Switched};</li>
 *   <li>next advance: the source Deployment is deleted and the migration cleared.</li>
 * </ol>
 * A target not ready within the ready timeout is rolled back: deleted, the migration cleared, the
 * app left serving on its source, and the failure reported as a condition and an Event. At no step
 * is the app left without its serving Deployment.
 */
public final class KubernetesCluster implements ClusterView, ClusterActuator, AppReports, AutoCloseable {
    static final String STARTING = "Starting";
    static final String SWITCHED = "Switched";
    private static final Logger LOG = Logger.getLogger(KubernetesCluster.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Supplier<ProfileCatalog> catalog;
    private final double networkMs;
    private final Duration readyTimeout;
    private final Clock clock;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<InferenceApp> apps;
    private final SharedIndexInformer<Deployment> deployments;

    public KubernetesCluster(KubernetesClient client, String namespace, Supplier<ProfileCatalog> catalog, double networkMs,
                             Duration readyTimeout, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.catalog = catalog;
        this.networkMs = networkMs;
        this.readyTimeout = readyTimeout;
        this.clock = clock;
        this.nodes = client.nodes().inform();
        this.apps = client.resources(InferenceApp.class).inNamespace(namespace).inform();
        this.deployments = client.apps().deployments().inNamespace(namespace).withLabel(ObjectNames.MANAGED_BY, ObjectNames.PERCH).inform();
    }

    /** Joins the leader election among controller replicas, through this cluster's API server. */
    public LeaderElection leaderElection(String leaseName, String identity, LeaderElection.Timings timings,
                                         Runnable onStartLeading, Runnable onStopLeading) {
        return new LeaderElection(client, namespace, leaseName, identity, timings, onStartLeading, onStopLeading);
    }

    /** The profile catalog now (from the ConfigMap when there is one). */
    public ProfileCatalog catalog() {
        return catalog.get();
    }

    /** Approval mode's proposals and approvals, as annotations on the InferenceApps. */
    public AnnotationApprovals approvals() {
        return new AnnotationApprovals(client, namespace);
    }

    // ---- read port -------------------------------------------------------------------------------

    /**
     * The cluster from the informers' caches. An InferenceApp that cannot be planned for is left out
     * and marked {@code Unschedulable} with the reason (written once, not on every read).
     */
    @Override
    public ClusterSnapshot snapshot() {
        List<ClusterNode> clusterNodes = new ArrayList<>();
        for (Node node : nodes.getStore().list()) {
            Inventory.node(node).ifPresent(clusterNodes::add);
        }
        clusterNodes.sort(Comparator.comparing(ClusterNode::node));
        ProfileCatalog profiles = catalog.get();
        List<RunningApp> running = new ArrayList<>();
        List<InferenceApp> all = new ArrayList<>(apps.getStore().list());
        all.sort(Comparator.comparing((InferenceApp a) -> a.getMetadata().getCreationTimestamp() == null ? ""
                : a.getMetadata().getCreationTimestamp()).thenComparing(a -> a.getMetadata().getName()));
        for (InferenceApp app : all) {
            Optional<String> invalid = Inventory.invalidReason(app, profiles);
            if (invalid.isPresent()) {
                markInvalid(app, invalid.get());
                continue;
            }
            InferenceAppStatus status = app.getStatus();
            Optional<String> serving = Optional.ofNullable(status == null ? null : status.getAccelerator());
            Optional<String> migratingTo = Optional.ofNullable(status == null || status.getMigration() == null ? null
                    : status.getMigration().getTo());
            String servedOn = serving.orElse(null);
            if (servedOn != null && migratingTo.isEmpty()
                    && clusterNodes.stream().noneMatch(n -> n.accelerators().stream().anyMatch(a -> a.id().equals(servedOn)))) {
                // Its accelerator is gone (node deleted or no longer labelled): the app needs a new place.
                LOG.infof("%s was served on %s, which the cluster no longer has", app.getMetadata().getName(), servedOn);
                serving = Optional.empty();
            }
            Optional<String> migratingFrom = Optional.ofNullable(status == null || status.getMigration() == null ? null
                    : status.getMigration().getFrom());
            running.add(new RunningApp(Inventory.appSpec(app), serving, migratingTo, migratingFrom));
        }
        return new ClusterSnapshot(networkMs, clusterNodes, running);
    }

    /** Whether the informers have their first full lists (a snapshot before that would see an empty cluster). */
    public boolean synced() {
        return nodes.hasSynced() && apps.hasSynced() && deployments.hasSynced();
    }

    // ---- write port ------------------------------------------------------------------------------

    @Override
    public ApplyResult apply(PlanStep step) {
        try {
            if (step instanceof PlanStep.Place place) {
                return place(place);
            }
            if (step instanceof PlanStep.Move move) {
                return startMove(move);
            }
            return remove((PlanStep.Remove) step);
        } catch (KubernetesClientException e) {
            throw new ActuationException(step + " failed: " + e.getMessage(), e);
        }
    }

    private ApplyResult place(PlanStep.Place place) {
        InferenceApp app = inferenceApp(place.app());
        String node = ObjectNames.nodeOf(place.accelerator());
        boolean created = ensureDeployment(app, place.accelerator(), node);
        ensureService(app, place.accelerator());
        // A Deployment left on an accelerator the app was served on before (a lost node) goes.
        for (Deployment stale : deploymentsOf(place.app())) {
            if (!stale.getMetadata().getName().equals(ObjectNames.deploymentName(place.app(), place.accelerator()))) {
                client.apps().deployments().inNamespace(namespace).resource(stale).delete();
            }
        }
        updateStatus(app.getMetadata().getName(), status -> {
            status.setAccelerator(place.accelerator());
            status.setNode(node);
            setCondition(status, InferenceAppStatus.PLACED, "True", "Placed", "runs on " + place.accelerator());
            setCondition(status, InferenceAppStatus.UNSCHEDULABLE, "False", "Placed", "placed on " + place.accelerator());
        });
        event(app, "Placed", "placed on " + place.accelerator());
        return created ? new ApplyResult.Created(place.app() + " started on " + place.accelerator())
                : new ApplyResult.Unchanged(place.app() + " already runs on " + place.accelerator());
    }

    private ApplyResult startMove(PlanStep.Move move) {
        InferenceApp app = inferenceApp(move.app());
        InferenceAppStatus status = app.getStatus();
        if (status == null || !move.from().equals(status.getAccelerator())) {
            throw new ActuationException(move.app() + " is not served on " + move.from() + " (it is on "
                    + (status == null ? null : status.getAccelerator()) + ")");
        }
        if (status.getMigration() != null) {
            throw new ActuationException(move.app() + " is already moving to " + status.getMigration().getTo());
        }
        ensureDeployment(app, move.to(), ObjectNames.nodeOf(move.to()));
        long now = clock.millis();
        updateStatus(move.app(), s -> {
            InferenceAppStatus.Migration migration = new InferenceAppStatus.Migration();
            migration.setFrom(move.from());
            migration.setTo(move.to());
            migration.setPhase(STARTING);
            migration.setStartedAtMs(now);
            s.setMigration(migration);
            setCondition(s, InferenceAppStatus.MIGRATING, "True", STARTING, "starting on " + move.to()
                    + "; traffic stays on " + move.from() + " until it is ready");
        });
        event(app, "Migrating", "starting on " + move.to() + ", traffic on " + move.from() + " until it is ready");
        return new ApplyResult.Patched(move.app() + " starting on " + move.to() + "; traffic switches from " + move.from()
                + " when it is ready");
    }

    private ApplyResult remove(PlanStep.Remove remove) {
        boolean deleted = false;
        for (Deployment deployment : deploymentsOf(remove.app())) {
            deleted |= !client.apps().deployments().inNamespace(namespace).resource(deployment).delete().isEmpty();
        }
        client.services().inNamespace(namespace).withName(remove.app()).delete();
        return deleted ? new ApplyResult.Deleted(remove.app() + " stopped")
                : new ApplyResult.Unchanged(remove.app() + " was not running");
    }

    /**
     * Carries every migration one step further (see the class comment) and rolls back those whose
     * target did not become ready in time. Returns the outcome of each step taken, for the log and
     * the decision records. Idempotent: any replica may call it on the cluster's state.
     */
    @Override
    public List<String> progressMoves() {
        List<String> outcomes = new ArrayList<>();
        for (InferenceApp app : apps.getStore().list()) {
            InferenceAppStatus status = app.getStatus();
            if (status == null || status.getMigration() == null) {
                continue;
            }
            try {
                outcomes.add(advance(app, status.getMigration()));
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
            updateStatus(name, s -> {
                s.setMigration(null);
                setCondition(s, InferenceAppStatus.MIGRATING, "False", "Completed", "moved from " + migration.getFrom()
                        + " to " + migration.getTo());
            });
            event(app, "Migrated", "moved from " + migration.getFrom() + " to " + migration.getTo());
            return name + ": " + migration.getFrom() + " removed; moved to " + migration.getTo();
        }
        if (ready(name, migration.getTo())) {
            ensureService(app, migration.getTo());
            String node = ObjectNames.nodeOf(migration.getTo());
            updateStatus(name, s -> {
                s.setAccelerator(migration.getTo());
                s.setNode(node);
                s.getMigration().setPhase(SWITCHED);
                setCondition(s, InferenceAppStatus.MIGRATING, "True", SWITCHED, "traffic on " + migration.getTo()
                        + "; removing " + migration.getFrom());
            });
            return name + ": traffic switched to " + migration.getTo();
        }
        long waited = clock.millis() - (migration.getStartedAtMs() == null ? 0 : migration.getStartedAtMs());
        if (waited > readyTimeout.toMillis()) {
            deleteDeployment(name, migration.getTo());
            String message = String.format("rolled back: %s was not ready within %d s; still served on %s",
                    migration.getTo(), readyTimeout.toSeconds(), migration.getFrom());
            updateStatus(name, s -> {
                s.setMigration(null);
                setCondition(s, InferenceAppStatus.MIGRATING, "False", "RolledBack", message);
            });
            event(app, "MigrationRolledBack", message);
            return name + ": " + message;
        }
        return name + ": waiting for " + migration.getTo() + " to be ready";
    }

    // ---- reports to the app's owner -----------------------------------------------------------------------------

    @Override
    public void decided(String app, String summary) {
        InferenceApp cached = apps.getStore().getByKey(namespace + "/" + app);
        if (cached != null) {
            event(cached, "Decision", summary);
        }
    }

    @Override
    public void atRisk(String app, Double predictedMs, Double observedMs, String why) {
        report(app, predictedMs, observedMs, "True", "PredictedOverSlo", why);
    }

    @Override
    public void met(String app, Double predictedMs, Double observedMs) {
        report(app, predictedMs, observedMs, "False", "WithinSlo", "predicted and observed within the SLO");
    }

    /** Writes the status only when the condition changes, so a report per telemetry window is cheap. */
    private void report(String app, Double predictedMs, Double observedMs, String value, String reason, String message) {
        InferenceApp cached = apps.getStore().getByKey(namespace + "/" + app);
        if (cached == null) {
            return;
        }
        InferenceAppStatus status = cached.getStatus();
        boolean unchanged = status != null && Conditions.says(status.getConditions(), InferenceAppStatus.SLO_AT_RISK, value, message);
        boolean neverAtRisk = "False".equals(value)
                && (status == null || Conditions.find(status.getConditions(), InferenceAppStatus.SLO_AT_RISK).isEmpty());
        if (unchanged || neverAtRisk) {
            return;
        }
        try {
            updateStatus(app, s -> {
                s.setPredictedMs(predictedMs);
                s.setObservedMs(observedMs);
                setCondition(s, InferenceAppStatus.SLO_AT_RISK, value, reason, message);
            });
            if ("True".equals(value)) {
                event(cached, "SloAtRisk", message);
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("SLO report of %s not written: %s", app, e.getMessage());
        }
    }

    // ---- Kubernetes objects ----------------------------------------------------------------------

    private boolean ensureDeployment(InferenceApp app, String accelerator, String node) {
        String name = ObjectNames.deploymentName(app.getMetadata().getName(), accelerator);
        if (client.apps().deployments().inNamespace(namespace).withName(name).get() != null) {
            return false;
        }
        client.apps().deployments().inNamespace(namespace).resource(DesiredDeployment.of(app, accelerator, node)).create();
        return true;
    }

    private void ensureService(InferenceApp app, String accelerator) {
        String name = app.getMetadata().getName();
        Service desired = DesiredService.of(app, accelerator);
        Service existing = client.services().inNamespace(namespace).withName(name).get();
        if (existing == null) {
            client.services().inNamespace(namespace).resource(desired).create();
        } else if (!desired.getSpec().getSelector().equals(existing.getSpec().getSelector())) {
            client.services().inNamespace(namespace).withName(name).edit(s -> {
                s.getSpec().setSelector(desired.getSpec().getSelector());
                return s;
            });
        }
    }

    private void deleteDeployment(String app, String accelerator) {
        client.apps().deployments().inNamespace(namespace).withName(ObjectNames.deploymentName(app, accelerator)).delete();
    }

    private boolean ready(String app, String accelerator) {
        Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(ObjectNames.deploymentName(app, accelerator)).get();
        return deployment != null && deployment.getStatus() != null && deployment.getStatus().getReadyReplicas() != null
                && deployment.getStatus().getReadyReplicas() >= 1;
    }

    private List<Deployment> deploymentsOf(String app) {
        return deployments.getStore().list().stream()
                .filter(d -> app.equals(d.getMetadata().getLabels().get(ObjectNames.APP_LABEL))).toList();
    }

    private InferenceApp inferenceApp(String name) {
        InferenceApp app = client.resources(InferenceApp.class).inNamespace(namespace).withName(name).get();
        if (app == null) {
            throw new ActuationException("no InferenceApp " + namespace + "/" + name);
        }
        return app;
    }

    private void updateStatus(String app, java.util.function.Consumer<InferenceAppStatus> change) {
        client.resources(InferenceApp.class).inNamespace(namespace).withName(app).editStatus(current -> {
            if (current.getStatus() == null) {
                current.setStatus(new InferenceAppStatus());
            }
            change.accept(current.getStatus());
            current.getStatus().setObservedGeneration(current.getMetadata().getGeneration());
            return current;
        });
    }

    /**
     * An app no accelerator takes gets {@code Unschedulable=True} (reason {@code NoFeasibleAccelerator})
     * with why, written when the message changes; placing it sets the condition back to False.
     */
    @Override
    public void unplaced(String app, String why) {
        markUnplaced(app, "NoFeasibleAccelerator", why);
    }

    /**
     * An app that fits but is turned away to keep Edge TPU time for smaller apps gets
     * {@code Unschedulable=True} (reason {@code EdgeTpuTimeReserved}) with why.
     */
    @Override
    public void turnedAway(String app, String why) {
        markUnplaced(app, "EdgeTpuTimeReserved", why);
    }

    /**
     * An app waiting for the moves that make its room gets {@code Unschedulable=True} (reason
     * {@code WaitingForRoom}) with what it waits for; placing it sets the condition back to False.
     */
    @Override
    public void waitingForRoom(String app, String why) {
        markUnplaced(app, "WaitingForRoom", why);
    }

    private void markUnplaced(String app, String reason, String why) {
        InferenceApp cached = apps.getStore().getByKey(namespace + "/" + app);
        if (cached == null) {
            return;
        }
        try {
            markUnschedulable(cached, reason, why);
        } catch (KubernetesClientException e) {
            LOG.warnf("could not mark %s unschedulable (%s): %s", app, reason, e.getMessage());
        }
    }

    /** An invalid InferenceApp gets an Unschedulable condition with the reason, once; the loop goes on. */
    private void markInvalid(InferenceApp app, String reason) {
        try {
            if (markUnschedulable(app, "Invalid", reason)) {
                event(app, "Invalid", reason);
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("could not mark %s invalid (%s): %s", app.getMetadata().getName(), reason, e.getMessage());
        }
    }

    /** Sets {@code Unschedulable=True} with the reason and message, unless it says so already (then false). */
    private boolean markUnschedulable(InferenceApp app, String reason, String message) {
        InferenceAppStatus status = app.getStatus();
        boolean already = status != null && Conditions.says(status.getConditions(), InferenceAppStatus.UNSCHEDULABLE, "True", message);
        if (already) {
            return false;
        }
        updateStatus(app.getMetadata().getName(), s -> setCondition(s, InferenceAppStatus.UNSCHEDULABLE, "True", reason, message));
        return true;
    }

    private void setCondition(InferenceAppStatus status, String type, String value, String reason, String message) {
        status.setConditions(Conditions.set(status.getConditions(), type, value, reason, message, Instant.ofEpochMilli(clock.millis())));
    }

    /** A Kubernetes Event on the InferenceApp, so {@code kubectl describe infapp} tells the story. */
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

    @Override
    public void close() {
        if (catalog instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debugf("closing the catalog: %s", e.getMessage());
            }
        }
        nodes.close();
        apps.close();
        deployments.close();
    }
}
