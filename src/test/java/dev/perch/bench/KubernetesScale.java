package dev.perch.bench;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.perch.cluster.PlanStep;
import dev.perch.kubernetes.InferenceApp;
import dev.perch.kubernetes.InferenceAppSpec;
import dev.perch.kubernetes.Inventory;
import dev.perch.kubernetes.KubernetesCluster;
import dev.perch.kubernetes.ObjectNames;
import dev.perch.kubernetes.SloKind;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.NodeSpec;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.placement.MigrationPlanner;
import dev.perch.placement.Placement;
import dev.perch.placement.PlacementPolicy;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;

/**
 * The Kubernetes side at scale, on the fabric8 mock API server (CRUD mode, in this process): the
 * nodes of {@code mixed-1000} (1,000 nodes, one accelerator each) and its first {@code N} apps as
 * InferenceApps. Timed, wall clock:
 * <ol>
 *   <li>informer start-up: a new {@link KubernetesCluster} until {@code synced()};</li>
 *   <li>the first pass's writes, driven through the KubernetesCluster's ports with the outcomes a
 *   pass produces (not the controller's own pass, which another benchmark times): each app the
 *   planner places ({@code MigrationPlanner.admit}, as {@code PlacementScale}) gets
 *   {@code apply(Place)} — Deployment, Service, status, Event — and a Decision Event; each it does
 *   not, {@code Unschedulable} and a Decision Event. With reports paced at the default 50/s, the
 *   reports left waiting after the pass and those written in the next 10 s counted; with
 *   {@code ,at-once} after {@code N}, first also on a fresh server with reports written at once
 *   ({@code status-writes-per-sec=0});</li>
 *   <li>one move's make-before-break, on the paced cluster with its reports still waiting: start,
 *   the target made ready (by this benchmark, as the kubelet), the switch, the source removed,
 *   each step as {@code progressMoves()} takes it from the informers' cache.</li>
 * </ol>
 * Prints one JSON line last.
 *
 * <pre>mvn -B -o -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.KubernetesScale -Dbench=10000</pre>
 * ({@code -Dbench} is {@code N}, at most 10,000; {@code -Dbench=1000,at-once} adds the unpaced run.)
 */
public final class KubernetesScale {
    private static final String NS = "perch";
    /** {@code perch.kubernetes.status-writes-per-sec}'s default (docs/decisions/0010). */
    private static final double DEFAULT_RATE = 50;
    private static final int SAMPLE_SEC = 10;
    // Held: the mock server logs every request at INFO, and a logger not held may be collected with its level.
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private KubernetesScale() {
    }

    /** One cluster's figures. */
    private record Run(double seedSec, double syncSec, double passSec, int passRequests, int waitingAfterPass,
                       int writtenInSample, double[] moveStepsMs) {
    }

    public static void main(String[] args) throws Exception {
        MOCK_LOG.setLevel(Level.WARNING);
        Scenario full = ScenarioReader.load("mixed-1000", 1);
        String[] arg = (args.length > 0 ? args[0] : "10000").split(",");
        int apps = Math.min(Integer.parseInt(arg[0].strip()), full.apps().size());
        boolean atOnceToo = arg.length > 1 && arg[1].strip().equals("at-once");
        Scenario scenario = new Scenario(full.name(), full.networkMs(), full.nodes(), full.catalog(),
                full.apps().subList(0, apps), full.lengthSec());
        Map<String, String> placement = plan(scenario);
        System.out.printf(Locale.ROOT, "%d nodes, %d apps; the planner places %d%n", scenario.nodes().size(), apps, placement.size());

        Run atOnce = atOnceToo ? run(scenario, placement, 0) : null;
        if (atOnce != null) {
            print("reports at once", atOnce);
        }
        Run paced = run(scenario, placement, DEFAULT_RATE);
        print("reports paced at " + DEFAULT_RATE + "/s", paced);
        double[] move = paced.moveStepsMs();
        System.out.printf(Locale.ROOT, "one move on the paced cluster: start %.0f ms, switch %.0f ms, source removed %.0f ms;"
                + " total %.0f ms (an idle progressMoves over %d apps: %.1f ms)%n", move[0], move[1], move[2],
                move[0] + move[1] + move[2], apps, move[3]);
        System.out.printf(Locale.ROOT, "{\"nodes\":%d,\"apps\":%d,\"placed\":%d,\"seedSec\":%.1f,\"informerSyncSec\":%.2f,"
                        + "\"firstPassPacedSec\":%.2f,\"firstPassPacedRequests\":%d,\"reportsWaitingAfterPacedPass\":%d,"
                        + "\"reportsWrittenIn%ds\":%d,\"moveMs\":%.0f,\"firstPassAtOnceSec\":%s,\"firstPassAtOnceRequests\":%s}%n",
                scenario.nodes().size(), apps, placement.size(), paced.seedSec(), paced.syncSec(), paced.passSec(),
                paced.passRequests(), paced.waitingAfterPass(), SAMPLE_SEC, paced.writtenInSample(), move[0] + move[1] + move[2],
                atOnce == null ? "null" : String.format(Locale.ROOT, "%.2f", atOnce.passSec()),
                atOnce == null ? "null" : Integer.toString(atOnce.passRequests()));
        // The mock server's and client's event loops are not daemon threads.
        System.exit(0);
    }

    private static void print(String label, Run run) {
        System.out.printf(Locale.ROOT, "%s: seeded in %.1f s; informers synced in %.2f s; first pass %.2f s (%d requests%s)%n",
                label, run.seedSec(), run.syncSec(), run.passSec(), run.passRequests(), run.waitingAfterPass() == 0 ? ""
                        : String.format(Locale.ROOT, "; %d reports waiting after it, %d written in the next %d s",
                        run.waitingAfterPass(), run.writtenInSample(), SAMPLE_SEC));
    }

    /** Where the planner puts each app it admits, one at a time, each plan applied (as PlacementScale). */
    private static Map<String, String> plan(Scenario scenario) {
        MigrationPlanner planner = new MigrationPlanner(PlacementPolicy.DEFAULT, 3);
        Placement placement = Placement.of(dev.perch.cli.EvaluateCommandAccess.initial(scenario));
        for (AppSpec app : scenario.apps()) {
            if (planner.admit(placement.snapshot(), app.app(), Set.of(), Map.of()) instanceof MigrationPlanner.Admission.Admitted admitted) {
                admitted.plan().steps().forEach(step -> placement.assign(step.app(), step.to()));
            }
        }
        Map<String, String> where = new LinkedHashMap<>();
        scenario.apps().forEach(app -> placement.deviceOf(app.app()).ifPresent(device -> where.put(app.app(), device)));
        return where;
    }

    private static Run run(Scenario scenario, Map<String, String> placement, double rate) throws InterruptedException {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            long start = System.nanoTime();
            scenario.nodes().forEach(node -> client.nodes().resource(node(node)).create());
            scenario.apps().forEach(app -> client.resources(InferenceApp.class).inNamespace(NS).resource(inferenceApp(app)).create());
            double seedSec = seconds(start);

            start = System.nanoTime();
            try (KubernetesCluster cluster = new KubernetesCluster(client, NS, scenario::catalog, scenario.networkMs(),
                    Duration.ofSeconds(120), Clock.systemUTC(), 0, rate)) {
                await(cluster::synced);
                double syncSec = seconds(start);

                int before = server.getRequestCount();
                start = System.nanoTime();
                for (AppSpec app : scenario.apps()) {
                    String accelerator = placement.get(app.app());
                    if (accelerator != null) {
                        cluster.apply(new PlanStep.Place(app.app(), accelerator));
                        cluster.decided(app.app(), "placed on " + accelerator + ": every SLO holds by the models");
                    } else {
                        cluster.unplaced(app.app(), "no accelerator takes it with every SLO held");
                        cluster.decided(app.app(), "left unplaced: no accelerator takes it with every SLO held");
                    }
                }
                double passSec = seconds(start);
                int passRequests = server.getRequestCount() - before;
                if (rate == 0) {
                    return new Run(seedSec, syncSec, passSec, passRequests, 0, 0, new double[0]);
                }
                int waiting = cluster.reportsWaiting();
                Thread.sleep(SAMPLE_SEC * 1000L);
                int written = waiting - cluster.reportsWaiting();
                return new Run(seedSec, syncSec, passSec, passRequests, waiting, written, move(client, cluster, placement));
            }
        } finally {
            server.destroy();
        }
    }

    /** One move, step by step as the controller's passes take it: start, switch, source removed; then an idle progress. */
    private static double[] move(KubernetesClient client, KubernetesCluster cluster, Map<String, String> placement) {
        List<Map.Entry<String, String>> placed = List.copyOf(placement.entrySet());
        String app = placed.get(0).getKey();
        String from = placed.get(0).getValue();
        String suffix = from.substring(from.indexOf('/'));
        String to = placed.stream().map(Map.Entry::getValue).filter(a -> !a.equals(from) && a.endsWith(suffix)).findFirst()
                .orElseThrow();
        double[] ms = new double[4];
        long start = System.nanoTime();
        cluster.apply(new PlanStep.Move(app, from, to));
        ms[0] = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        kubelet(client, app);
        awaitProgress(cluster, app + ": traffic switched");
        ms[1] = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        awaitProgress(cluster, app + ": " + from + " removed");
        ms[2] = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        cluster.progressMoves();
        ms[3] = (System.nanoTime() - start) / 1e6;
        return ms;
    }

    /** The kubelet's part, which the mock lacks: the app's Deployments report a ready replica. */
    private static void kubelet(KubernetesClient client, String app) {
        for (Deployment deployment : client.apps().deployments().inNamespace(NS).withLabel(ObjectNames.APP_LABEL, app).list().getItems()) {
            client.apps().deployments().inNamespace(NS).withName(deployment.getMetadata().getName()).editStatus(d -> {
                d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).withAvailableReplicas(1).build());
                return d;
            });
        }
    }

    /** Calls {@code progressMoves()} until a step it takes starts with {@code outcome} (once the cache shows the last). */
    private static void awaitProgress(KubernetesCluster cluster, String outcome) {
        await(() -> cluster.progressMoves().stream().anyMatch(line -> line.startsWith(outcome)));
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
    }

    private static io.fabric8.kubernetes.api.model.Node node(NodeSpec spec) {
        return new NodeBuilder().withNewMetadata().withName(spec.node())
                .addToLabels(Inventory.ACCELERATOR_TYPE, spec.acceleratorTypes().get(0).id())
                .addToLabels(Inventory.ACCELERATOR_COUNT, Integer.toString(spec.acceleratorTypes().size()))
                .addToAnnotations(Inventory.FRONTEND_SERVICE_MS, Double.toString(spec.frontendServiceMs())).endMetadata()
                .withNewStatus().addToCapacity("memory", new Quantity(Math.round(spec.memoryMb()) + "Mi")).endStatus().build();
    }

    private static InferenceApp inferenceApp(AppSpec app) {
        InferenceApp resource = new InferenceApp();
        resource.getMetadata().setName(app.app());
        resource.getMetadata().setNamespace(NS);
        InferenceAppSpec spec = new InferenceAppSpec();
        spec.setModel(app.model());
        spec.setImage("registry.example.com/" + app.model() + ":1");
        spec.setExpectedRatePerSec(app.ratePerSec());
        spec.setSloMs(app.sloMs());
        spec.setSloStatistic(Arrays.stream(SloKind.values()).filter(k -> k.statistic() == app.sloStatistic()).findFirst()
                .orElseThrow());
        spec.setSloWindowSec(IntNode.valueOf(app.sloWindowSec()));
        resource.setSpec(spec);
        return resource;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
