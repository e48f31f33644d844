package dev.perch.kubernetes;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ActuationException;
import dev.perch.cluster.AppReports;
import dev.perch.cluster.ApplyResult;
import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.ClusterNode;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.PlanStep;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.ProfileCatalog;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Perch's cluster ports on Kubernetes, wired from small parts: it reads the cluster through
 * informers (nodes, InferenceApps, and Perch's Deployments, Services and their pods), never by polling, and
 * hands each job to the part that owns it — placing and keeping objects as declared to
 * {@link Placements}, moves to {@link Migrations}, reports to the owner to {@link OwnerReports}.
 * Every object write goes through one apply primitive ({@link Applier}) with a typed result.
 *
 * <p>Each placed app runs as a Deployment pinned to its accelerator's node ({@link DesiredDeployment}),
 * behind a Service whose selector names the serving accelerator ({@link DesiredService}). Each
 * pass, {@link #progressMoves} carries moves one step further, then {@link #keepAsDeclared} brings
 * every placed app's objects to what its InferenceApp declares, writing only what differs.
 */
public final class KubernetesCluster implements ClusterView, ClusterActuator, AppReports, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KubernetesCluster.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Supplier<ProfileCatalog> catalog;
    private final double networkMs;
    private final double agentMemoryMb;
    private final SharedIndexInformer<Node> nodes;
    private final SharedIndexInformer<InferenceApp> apps;
    private final SharedIndexInformer<Deployment> deployments;
    private final SharedIndexInformer<Service> services;
    /** The pods of Perch's Deployments: their IPs are where the node agents scrape the apps. */
    private final SharedIndexInformer<Pod> pods;
    private final Placements placements;
    private final Migrations migrations;
    private final OwnerReports reports;
    private final AppStatusWriter statusWriter;
    private final Clock clock;
    private KubernetesApprovals approvals;
    private ConfigMapLearnedProfiles learnedProfiles;
    private final PodMemory podMemory;

    public KubernetesCluster(KubernetesClient client, String namespace, Supplier<ProfileCatalog> catalog, double networkMs,
                             Duration readyTimeout, Clock clock) {
        this(client, namespace, catalog, networkMs, readyTimeout, clock, 0);
    }

    /**
     * {@code agentMemoryMb} is the memory Perch's node agent takes on every node Perch reads (0 when
     * the agent is not deployed): left out of the node's memory, so placement never counts on it.
     */
    public KubernetesCluster(KubernetesClient client, String namespace, Supplier<ProfileCatalog> catalog, double networkMs,
                             Duration readyTimeout, Clock clock, double agentMemoryMb) {
        this(client, namespace, catalog, networkMs, readyTimeout, clock, agentMemoryMb, 0);
    }

    /**
     * {@code statusWritesPerSec} paces the reports to apps' owners — conditions and Events — at that
     * many writes a second, coalesced while they wait; 0 writes them at once, in the caller's thread
     * ({@link AppStatusWriter}).
     */
    public KubernetesCluster(KubernetesClient client, String namespace, Supplier<ProfileCatalog> catalog, double networkMs,
                             Duration readyTimeout, Clock clock, double agentMemoryMb, double statusWritesPerSec) {
        if (!(agentMemoryMb >= 0) || !Double.isFinite(agentMemoryMb)) {
            throw new IllegalArgumentException("the agent's memory must be a number of MB >= 0, got " + agentMemoryMb);
        }
        this.agentMemoryMb = agentMemoryMb;
        // Before the informers: a rate refused here leaves nothing running.
        this.statusWriter = new AppStatusWriter(client, namespace, clock, statusWritesPerSec);
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
        this.catalog = catalog;
        this.networkMs = networkMs;
        this.nodes = client.nodes().inform();
        this.apps = client.resources(InferenceApp.class).inNamespace(namespace).inform();
        this.deployments = client.apps().deployments().inNamespace(namespace)
                .withLabel(ObjectNames.MANAGED_BY, ObjectNames.PERCH).inform();
        this.services = client.services().inNamespace(namespace).withLabel(ObjectNames.MANAGED_BY, ObjectNames.PERCH).inform();
        this.pods = client.pods().inNamespace(namespace).withLabel(ObjectNames.MANAGED_BY, ObjectNames.PERCH).inform();
        this.podMemory = new PodMemory(client, namespace);
        Applier applier = new Applier(client, namespace);
        this.placements = new Placements(client, namespace, applier, statusWriter);
        this.migrations = new Migrations(client, namespace, applier, statusWriter, readyTimeout, clock);
        this.reports = new OwnerReports(this::cachedApp, statusWriter);
    }

    /** How many reports to apps' owners wait to be written (always 0 when they are not paced). */
    public int reportsWaiting() {
        return statusWriter.waiting();
    }

    /** Joins the leader election among controller replicas, through this cluster's API server. */
    public LeaderElection leaderElection(String leaseName, String identity, LeaderElection.Timings timings,
                                         Runnable onStartLeading, Runnable onStopLeading) {
        return new LeaderElection(client, namespace, leaseName, identity, timings, onStartLeading, onStopLeading);
    }

    /** The profile catalog now (from the ConfigMap when there is one). */
    /** The app's backend memory from the metrics API, where a metrics server runs ({@link PodMemory}). */
    @Override
    public java.util.OptionalDouble residentMemoryMb(String app) {
        return podMemory.residentMb(app);
    }

    public ProfileCatalog catalog() {
        return catalog.get();
    }

    /**
     * Approval mode's proposals (annotations on the InferenceApps) and approvals (MoveApprovals), one
     * for this cluster; it reads no approval until asked ({@link KubernetesApprovals}).
     */
    public synchronized KubernetesApprovals approvals() {
        if (approvals == null) {
            approvals = new KubernetesApprovals(client, namespace, clock);
        }
        return approvals;
    }

    /**
     * Where the profiles learned on probation are kept: {@code learned.yaml} of the ConfigMap this
     * cluster's catalog follows ({@link ConfigMapLearnedProfiles}).
     *
     * @throws IllegalStateException when this cluster's catalog is not a {@link ConfigMapCatalog}
     */
    public synchronized ConfigMapLearnedProfiles learnedProfiles() {
        if (learnedProfiles == null) {
            if (!(catalog instanceof ConfigMapCatalog configMap)) {
                throw new IllegalStateException("learned profiles are kept in the ConfigMap " + ConfigMapCatalog.NAME
                        + ", and this cluster's catalog is not read from it");
            }
            learnedProfiles = new ConfigMapLearnedProfiles(client, namespace, configMap);
        }
        return learnedProfiles;
    }

    // ---- read port -------------------------------------------------------------------------------

    /**
     * The cluster from the informers' caches. An InferenceApp that cannot be planned for is left out
     * and marked {@code Unschedulable} with the reason (written once, not on every read).
     */
    @Override
    public ClusterSnapshot snapshot() {
        List<ClusterNode> clusterNodes = clusterNodes();
        Set<String> accelerators = acceleratorIds(clusterNodes);
        List<RunningApp> running = new ArrayList<>();
        List<Pod> appPods = pods.getStore().list();
        List<InferenceApp> all = new ArrayList<>(apps.getStore().list());
        all.sort(Comparator.comparing((InferenceApp a) -> a.getMetadata().getCreationTimestamp() == null ? ""
                : a.getMetadata().getCreationTimestamp()).thenComparing(a -> a.getMetadata().getName()));
        for (InferenceApp app : all) {
            Optional<String> invalid = Inventory.invalidReason(app);
            if (invalid.isPresent()) {
                reports.markInvalid(app, invalid.get());
                continue;
            }
            InferenceAppStatus status = app.getStatus();
            InferenceAppStatus.Migration migration = status == null ? null : status.getMigration();
            Optional<String> serving = Optional.ofNullable(status == null ? null : status.getAccelerator());
            Optional<String> migratingTo = Optional.ofNullable(migration == null ? null : migration.getTo());
            Optional<String> migratingFrom = Optional.ofNullable(migration == null ? null : migration.getFrom());
            if (serving.isPresent() && migratingTo.isEmpty() && !accelerators.contains(serving.get())) {
                // Its accelerator is gone (node deleted or no longer labelled): the app needs a new place.
                LOG.infof("%s was served on %s, which the cluster no longer has", app.getMetadata().getName(), serving.get());
                serving = Optional.empty();
            }
            List<String> onAccelerators = Stream.of(serving, migratingTo, migratingFrom).flatMap(Optional::stream).toList();
            running.add(new RunningApp(Inventory.appSpec(app), serving, migratingTo, migratingFrom, TelemetrySpecs.of(
                    app.getSpec(), PodAddresses.of(app.getMetadata().getName(), onAccelerators, appPods))));
        }
        return new ClusterSnapshot(networkMs, clusterNodes, running);
    }

    /** Whether the informers have their first full lists (a snapshot before that would see an empty cluster). */
    public boolean synced() {
        return nodes.hasSynced() && apps.hasSynced() && deployments.hasSynced() && services.hasSynced() && pods.hasSynced();
    }

    private List<ClusterNode> clusterNodes() {
        List<ClusterNode> clusterNodes = new ArrayList<>();
        for (Node node : nodes.getStore().list()) {
            Inventory.node(node, agentMemoryMb).ifPresent(clusterNodes::add);
        }
        clusterNodes.sort(Comparator.comparing(ClusterNode::node));
        return clusterNodes;
    }

    private static Set<String> acceleratorIds(List<ClusterNode> clusterNodes) {
        return clusterNodes.stream().flatMap(n -> n.accelerators().stream()).map(Accelerator::id).collect(Collectors.toSet());
    }

    // ---- write port ------------------------------------------------------------------------------

    @Override
    public ApplyResult apply(PlanStep step) {
        try {
            if (step instanceof PlanStep.Place place) {
                return placements.place(inferenceApp(place.app()), place, this::deploymentsOf);
            }
            if (step instanceof PlanStep.Move move) {
                return migrations.start(inferenceApp(move.app()), move);
            }
            PlanStep.Remove remove = (PlanStep.Remove) step;
            return placements.remove(remove, deploymentsOf(remove.app()), cachedApp(remove.app()).isPresent());
        } catch (KubernetesClientException e) {
            throw new ActuationException(step + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Carries every migration one step further ({@link Migrations}), rolling back at once those whose
     * target's node is lost (deleted or not Ready); one line per step taken. Idempotent: any replica
     * may call it on the cluster's state.
     */
    @Override
    public List<String> progressMoves() {
        Set<String> accelerators = acceleratorIds(clusterNodes());
        return migrations.progress(apps.getStore().list(),
                accelerator -> accelerators.contains(accelerator) ? Optional.empty() : Optional.of(whyGone(accelerator)));
    }

    /** Why an accelerator is not the cluster's (any more), in words for the app's owner. */
    private String whyGone(String accelerator) {
        String node = ObjectNames.nodeOf(accelerator);
        Node live = nodes.getStore().getByKey(node);
        if (live == null) {
            return "node " + node + " was deleted";
        }
        if (Inventory.notReady(live)) {
            return "node " + node + " is not Ready";
        }
        return "node " + node + " no longer has it";
    }

    /**
     * Brings the Deployment and Service of every placed, valid app to what its InferenceApp declares
     * ({@link Placements#keepAsDeclared}), writing only what differs; one line per object written.
     */
    @Override
    public List<String> keepAsDeclared() {
        List<InferenceApp> valid = apps.getStore().list().stream()
                .filter(app -> Inventory.invalidReason(app).isEmpty()).toList();
        return placements.keepAsDeclared(valid, acceleratorIds(clusterNodes()),
                name -> deployments.getStore().getByKey(namespace + "/" + name),
                name -> services.getStore().getByKey(namespace + "/" + name));
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

    /** The InferenceApp as the informer holds it (what the next pass works from). */
    Optional<InferenceApp> cachedApp(String name) {
        return Optional.ofNullable(apps.getStore().getByKey(namespace + "/" + name));
    }

    // ---- reports to the app's owner (OwnerReports) -----------------------------------------------

    @Override
    public void decided(String app, String summary) {
        reports.decided(app, summary);
    }

    @Override
    public void atRisk(String app, Double predictedMs, Double observedMs, String why) {
        reports.atRisk(app, predictedMs, observedMs, why);
    }

    @Override
    public void met(String app, Double predictedMs, Double observedMs) {
        reports.met(app, predictedMs, observedMs);
    }

    @Override
    public void unplaced(String app, String why) {
        reports.unplaced(app, why);
    }

    @Override
    public void turnedAway(String app, String why) {
        reports.turnedAway(app, why);
    }

    @Override
    public void waitingForRoom(String app, String why) {
        reports.waitingForRoom(app, why);
    }

    @Override
    public void waitingForProbation(String app, String why) {
        reports.waitingForProbation(app, why);
    }

    @Override
    public void onProbation(String app, String why) {
        reports.onProbation(app, why);
    }

    @Override
    public void reporting(String app, String message) {
        reports.reporting(app, message);
    }

    @Override
    public void noTelemetry(String app, String why) {
        reports.noTelemetry(app, why);
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
        statusWriter.close();
        synchronized (this) {
            if (approvals != null) {
                approvals.close();
            }
        }
        nodes.close();
        apps.close();
        deployments.close();
        services.close();
        pods.close();
    }
}
