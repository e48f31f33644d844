package dev.perch.kubernetes;

import dev.perch.controller.ControllerSettings;
import dev.perch.cluster.Approvals;
import dev.perch.cluster.PlanStep;
import dev.perch.controller.Consolidation;
import dev.perch.controller.Guards;
import dev.perch.controller.LiveRates;
import dev.perch.controller.Reconciler;
import dev.perch.controller.RecordingOutputs;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.DecisionRecord;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import dev.perch.sim.SimClock;
import java.util.concurrent.atomic.AtomicLong;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guards with the Kubernetes ports on the mock API server: dry-run, approval, caps under a burst of alerts. */
@EnableKubernetesMockClient(crud = true)
class KubernetesGuardsTest {
    KubernetesClient client;
    private final AtomicLong nowMs = new AtomicLong(Instant.parse("2026-11-27T00:00:00Z").toEpochMilli());
    private final SimClock clock = new SimClock(nowMs::get);
    private final List<DecisionRecord> decisions = new ArrayList<>();
    private KubernetesCluster cluster;
    private Reconciler reconciler;
    private final LiveRates rates = new LiveRates();
    private static final List<String> APPS = List.of("cam-1", "cam-2", "cam-3", "cam-4");

    /** Where each app of {@link #APPS} runs once started. */
    private Map<String, String> placedOn;

    /** Four apps on pi-1, three idle Edge TPUs, the controller under the given guards (approvals: MoveApprovals). */
    /** Whether the controller {@link #start}s in dry-run. */
    private boolean dryRun;

    private void start(Guards.Limits limits) {
        start(limits, APPS.stream().collect(Collectors.toMap(app -> app, app -> "pi-1/tpu0")));
    }

    /** As {@link #start(Guards.Limits)}, with each app on the Edge TPU {@code placedOn} gives. */
    private void start(Guards.Limits limits, Map<String, String> placedOn) {
        this.placedOn = placedOn;
        for (String node : List.of("pi-1", "pi-2", "pi-3", "pi-4")) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node)
                    .addToLabels(Inventory.ACCELERATOR_TYPE, "edgetpu").endMetadata()
                    .withNewStatus().addToCapacity("memory", new Quantity("4Gi")).endStatus().build()).create();
        }
        for (String name : APPS) {
            client.resources(InferenceApp.class).inNamespace(NS).resource(app(name, "mobilenet_v2", 200.0)).create();
        }
        cluster = KubernetesFixtures.cluster(client, clock);
        await(() -> cluster.synced() && cluster.snapshot().apps().size() == APPS.size(), "apps seen");
        for (String name : APPS) {
            cluster.apply(new PlanStep.Place(name, placedOn.get(name)));
        }
        ready();
        await(() -> cluster.snapshot().apps().stream().allMatch(a -> a.accelerator().isPresent()), "placed");
        reconciler = Reconciler.builder(cluster, cluster, clock)
                .catalog(ScenarioReader.defaultCatalog()).rates(rates).outputs(RecordingOutputs.decisionsInto(decisions)).approvals(limits.approval() ? cluster.approvals() : Approvals.NONE)
                .settings(ControllerSettings.DEFAULT.withGuards(limits).withDryRun(dryRun)).build();
        reconciler.reportTo(cluster);
    }

    @AfterEach
    void close() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void ready() {
        for (Deployment d : client.apps().deployments().inNamespace(NS).list().getItems()) {
            if (d.getStatus() == null || d.getStatus().getReadyReplicas() == null) {
                client.apps().deployments().inNamespace(NS).withName(d.getMetadata().getName()).editStatus(x -> {
                    x.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
                    return x;
                });
            }
        }
    }

    private void alert(String app) {
        String on = placedOn.get(app);
        reconciler.onAlert(new AlertRecord(AlertRecord.SCHEMA, app + ":impending", AlertRecord.IMPENDING, app, on,
                on.substring(0, on.indexOf('/')),
                200, "mean", 210.0, 230.0, 12.0, 150.0, clock.millis(), "predicted mean 230 ms within 12 s, over the 200 ms SLO"));
    }

    /** A prediction window with only the app's learned rate. */
    private PredictionRecord learned(String app, String accelerator, double ratePerSec) {
        var entry = new PredictionRecord.AppPrediction(app, "mobilenet_v2", ratePerSec, 0.0, 4.9, 10.4, 0.1, "learned", 1.0,
                40.0, null, null, null, null, 40.0, null, 40.0, 200.0, "mean", true);
        return new PredictionRecord(PredictionRecord.SCHEMA, accelerator, "edgetpu", accelerator.substring(0, accelerator.indexOf('/')),
                clock.millis() - 1000, clock.millis(), 0.1, true, null, List.of(entry));
    }

    /** The app's latest prediction window: predicted over its 200 ms SLO. */
    private PredictionRecord stillAtRisk(String app, String accelerator) {
        var entry = new PredictionRecord.AppPrediction(app, "mobilenet_v2", 30, 0.0, 4.0, 10.0, 0.1, "learned", 1.0,
                230.0, null, null, null, null, 150.0, null, 150.0, 200.0, "mean", false);
        return new PredictionRecord(PredictionRecord.SCHEMA, accelerator, "edgetpu", "pi-1", clock.millis() - 1000,
                clock.millis(), 0.9, true, null, List.of(entry));
    }

    private Set<String> deployments() {
        return client.apps().deployments().inNamespace(NS).list().getItems().stream().map(d -> d.getMetadata().getName())
                .collect(Collectors.toSet());
    }

    @Test
    void dryRunDecidesRecordsAndReportsButChangesNoDeployment() {
        dryRun = true;
        start(new Guards.Limits(10, 10, 10, Duration.ofMinutes(1), false));
        Set<String> before = deployments();
        alert("cam-1");
        assertEquals(1, decisions.size());
        assertTrue(decisions.get(0).dryRun() && decisions.get(0).result() == null, decisions.get(0).toString());
        assertEquals(before, deployments(), "no Deployment created or deleted");
        assertTrue(client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").get().getStatus().getMigration() == null);
        await(() -> client.v1().events().inNamespace(NS).list().getItems().stream()
                .anyMatch(e -> e.getReason().equals("Decision") && e.getMessage().contains("dry run")), "the decision as an Event");
    }

    @Test
    void approvalModeHoldsTheMoveUntilAMoveApprovalOfExactlyThatMoveReleasesIt() {
        start(new Guards.Limits(10, 10, 10, Duration.ofMinutes(1), true));
        Set<String> before = deployments();
        alert("cam-1");
        assertEquals(before, deployments(), "held: nothing started");
        String proposed = client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").get().getMetadata()
                .getAnnotations().get(KubernetesApprovals.PROPOSED);
        assertTrue(proposed.startsWith("pi-1/tpu0 -> "), proposed);
        String target = proposed.substring(proposed.indexOf("-> ") + 3);
        assertTrue(decisions.get(0).reason().contains("awaiting approval"), decisions.get(0).reason());

        // The topology alerts once; the loop's passes answer it again while its app is still at risk.
        rates.update(stillAtRisk("cam-1", "pi-1/tpu0"));
        reconciler.pass();
        assertEquals(1, decisions.size(), "not approved yet, and within the backoff");

        // Neither the retired annotation, nor an approval of another move, nor one of an earlier proposal of this move releases it.
        client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").edit(a -> {
            a.getMetadata().getAnnotations().put("perch.dev/approved-move", proposed);
            return a;
        });
        String elsewhere = Stream.of("pi-2/tpu0", "pi-3/tpu0", "pi-4/tpu0").filter(a -> !a.equals(target)).findFirst().orElseThrow();
        String proposal = KubernetesApprovalsTest.proposal(client, "cam-1");
        KubernetesApprovalsTest.create(client, KubernetesApprovalsTest.approval("stale", "cam-1", "pi-1/tpu0", elsewhere, proposal));
        KubernetesApprovalsTest.create(client, KubernetesApprovalsTest.approval("earlier", "cam-1", "pi-1/tpu0", target, "2026-12-05T22:00:00Z"));
        await(() -> cluster.approvals().read("stale") && cluster.approvals().read("earlier"), "the stale approvals read");
        nowMs.addAndGet(Duration.ofMinutes(1).toMillis()); // past the backoff: decided again
        rates.update(stillAtRisk("cam-1", "pi-1/tpu0"));
        reconciler.pass();
        assertEquals(2, decisions.size(), decisions.toString());
        assertEquals(target, decisions.get(1).to(), "the same proposal");
        assertTrue(decisions.get(1).reason().contains("awaiting approval"), decisions.get(1).reason());
        assertEquals(before, deployments(), "still held");

        assertEquals(proposal, KubernetesApprovalsTest.proposal(client, "cam-1"), "proposed again: the same proposal");
        KubernetesApprovalsTest.create(client, KubernetesApprovalsTest.approval("cam-1-approved", "cam-1", "pi-1/tpu0", target, proposal));
        await(() -> {
            nowMs.addAndGet(1000);
            reconciler.pass();
            return decisions.size() > 2;
        }, "the approved move");
        assertEquals("patched", decisions.get(2).result(), decisions.get(2).reason());
        assertTrue(deployments().contains(ObjectNames.deploymentName("cam-1", target)), "the approved move started");
        MoveApproval used = client.resources(MoveApproval.class).inNamespace(NS).withName("cam-1-approved").get();
        assertEquals(Instant.ofEpochMilli(nowMs.get()).toString(), used.getStatus().getUsedAt(), "marked used as it released the move");
        for (String name : List.of("stale", "earlier")) {
            MoveApproval stale = client.resources(MoveApproval.class).inNamespace(NS).withName(name).get();
            assertTrue(stale.getStatus() == null || stale.getStatus().getUsedAt() == null, "the stale one untouched: " + name);
        }
    }

    /**
     * Alerts about apps on three accelerators at once (apps on one accelerator are answered one move
     * at a time, whatever the caps: {@code ReconcilerTest.alertsFromOneAcceleratorAreAnsweredOneMoveAtATime}).
     */
    @Test
    void aBurstOfAlertsStartsNoMoreMovesThanTheCapsAllow() {
        start(new Guards.Limits(3, 10, 2, Duration.ofMinutes(1), false),
                Map.of("cam-1", "pi-1/tpu0", "cam-2", "pi-2/tpu0", "cam-3", "pi-3/tpu0", "cam-4", "pi-3/tpu0"));
        for (String name : APPS) {
            alert(name);
        }
        long started = decisions.stream().filter(d -> "patched".equals(d.result())).count();
        assertEquals(2, started, "two migrations in flight at most");
        assertEquals(APPS.size() + 2, deployments().size(), "two targets started, nothing else");
        assertTrue(decisions.stream().filter(d -> d.result() == null).allMatch(d -> d.reason().contains("held: 2 migrations in flight")));
        for (String name : APPS) {
            alert(name); // the same burst again: cooldown for the two, in-flight cap for the rest
        }
        assertEquals(2, decisions.stream().filter(d -> "patched".equals(d.result())).count());
    }

    @Test
    void consolidationMovesAnAppMakeBeforeBreakAndFreesAnAccelerator() {
        for (String node : List.of("pi-1", "pi-2")) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node)
                    .addToLabels(Inventory.ACCELERATOR_TYPE, "edgetpu").endMetadata()
                    .withNewStatus().addToCapacity("memory", new Quantity("4Gi")).endStatus().build()).create();
        }
        for (String name : List.of("cam-1", "cam-2")) {
            client.resources(InferenceApp.class).inNamespace(NS).resource(app(name, "mobilenet_v2", 200.0)).create();
        }
        cluster = KubernetesFixtures.cluster(client, clock);
        await(() -> cluster.synced() && cluster.snapshot().apps().size() == 2, "apps seen");
        cluster.apply(new PlanStep.Place("cam-1", "pi-1/tpu0"));
        cluster.apply(new PlanStep.Place("cam-2", "pi-2/tpu0"));
        ready();
        await(() -> cluster.snapshot().apps().stream().allMatch(a -> a.accelerator().isPresent()), "placed");
        reconciler = Reconciler.builder(cluster, cluster, clock)
                .catalog(ScenarioReader.defaultCatalog()).rates(rates).outputs(RecordingOutputs.decisionsInto(decisions))
                .settings(ControllerSettings.DEFAULT.withConsolidation(new Consolidation(true, Duration.ofMinutes(5), 0.6, 0.999))).build();
        reconciler.reportTo(cluster);

        // It packs by measured load only: not within a period of starting, nor before every app's rate is learned.
        reconciler.pass();
        nowMs.addAndGet(Duration.ofMinutes(5).toMillis());
        reconciler.pass();
        assertEquals(List.of(), decisions);
        rates.update(learned("cam-1", "pi-1/tpu0", 5));
        rates.update(learned("cam-2", "pi-2/tpu0", 5));
        reconciler.pass();
        assertEquals(1, decisions.size(), decisions.toString());
        DecisionRecord move = decisions.get(0);
        assertEquals("patched", move.result(), move.reason());
        assertTrue(move.trigger().startsWith("consolidation"), move.trigger());
        await(() -> cluster.snapshot().app(move.app()).orElseThrow().migratingTo().isPresent(), "migration seen");
        reconciler.pass();
        assertEquals(1, decisions.size(), "no second pass within the period, nor while a move is in flight");

        ready();
        await(() -> cluster.progressMoves().stream().anyMatch(step -> step.contains("switched")), "switched");
        await(() -> cluster.progressMoves().stream().anyMatch(step -> step.contains("removed")), "source removed");
        await(() -> cluster.snapshot().apps().stream().allMatch(a -> a.migratingTo().isEmpty()
                && a.accelerator().equals(java.util.Optional.of(move.to()))), "both apps on " + move.to());
        assertEquals(Set.of(ObjectNames.deploymentName("cam-1", move.to()), ObjectNames.deploymentName("cam-2", move.to())),
                deployments());
    }

    /**
     * The built-in {@code room} case on the API server, in approval mode: a new EfficientNet-M app
     * fits nowhere until the MobileNet-V2 app leaves the Edge TPU for the GPU. That move is proposed
     * and held; once approved it starts; the new app gets no Deployment while the move is under way
     * (its old copy still runs on pi-1, also after the switch), and is placed at the first pass
     * after the source Deployment is gone.
     */
    @Test
    void aNewAppIsPlacedOnlyOnceTheApprovedMoveThatMakesItsRoomIsOver() {
        KubernetesFixtures.acceleratorNode(client, "pi-1", "edgetpu");
        KubernetesFixtures.acceleratorNode(client, "nano-1", "gpu");
        for (InferenceApp app : List.of(withRate(app("large", "efficientnet-L", 600.0), 8),
                withRate(app("mobile", "mobilenet_v2", 200.0), 10), withRate(app("medium", "efficientnet-M", 400.0), 8))) {
            client.resources(InferenceApp.class).inNamespace(NS).resource(app).create();
        }
        cluster = KubernetesFixtures.cluster(client, clock);
        await(() -> cluster.synced() && cluster.snapshot().apps().size() == 3, "apps seen");
        cluster.apply(new PlanStep.Place("large", "pi-1/tpu0"));
        cluster.apply(new PlanStep.Place("mobile", "pi-1/tpu0"));
        ready();
        await(() -> cluster.snapshot().apps().stream().filter(a -> a.accelerator().isPresent()).count() == 2, "placed");
        Guards.Limits approval = new Guards.Limits(10, 10, 10, Duration.ofMinutes(1), true);
        // The test carries the move through its stages itself (cluster.progressMoves), so that a pass
        // can be made between the switch and the old copy's removal: the controller's actuator here
        // applies steps and leaves the stages alone.
        reconciler = Reconciler.builder(cluster, cluster::apply, clock)
                .catalog(ScenarioReader.defaultCatalog()).rates(rates).outputs(RecordingOutputs.decisionsInto(decisions))
                .approvals(cluster.approvals()).settings(ControllerSettings.DEFAULT.withGuards(approval)).build();
        reconciler.reportTo(cluster);
        String mediumDeployment = ObjectNames.deploymentName("medium", "pi-1/tpu0");

        reconciler.pass();
        assertEquals(1, decisions.size(), decisions.toString());
        assertEquals("move", decisions.get(0).action());
        assertTrue(decisions.get(0).reason().contains("awaiting approval"), decisions.get(0).reason());
        String proposed = client.resources(InferenceApp.class).inNamespace(NS).withName("mobile").get().getMetadata()
                .getAnnotations().get(KubernetesApprovals.PROPOSED);
        assertEquals("pi-1/tpu0 -> nano-1/gpu0", proposed);
        nowMs.addAndGet(1000);
        reconciler.pass();
        assertEquals(1, decisions.size(), "not approved yet, and within the backoff");

        KubernetesApprovalsTest.create(client, KubernetesApprovalsTest.approval("mobile-to-gpu", "mobile", "pi-1/tpu0", "nano-1/gpu0",
                KubernetesApprovalsTest.proposal(client, "mobile")));
        await(() -> {
            nowMs.addAndGet(1000);
            reconciler.pass();
            return decisions.size() > 1;
        }, "the approved move");
        assertEquals("move mobile patched", decisions.get(1).action() + " " + decisions.get(1).app() + " " + decisions.get(1).result(),
                decisions.toString());
        await(() -> cluster.snapshot().app("mobile").orElseThrow().moving(), "the move seen under way");
        reconciler.pass();
        assertEquals(2, decisions.size(), decisions.toString());
        assertFalse(deployments().contains(mediumDeployment), "no new app beside the old copy while the move starts");
        await(() -> {
            InferenceAppStatus status = client.resources(InferenceApp.class).inNamespace(NS).withName("medium").get().getStatus();
            return status != null && status.getConditions().stream().anyMatch(c -> c.getType().equals(InferenceAppStatus.UNSCHEDULABLE)
                    && c.getReason().equals("WaitingForRoom") && c.getMessage().contains("waiting for mobile to move to nano-1/gpu0"));
        }, "the owner told why it waits");

        ready();
        await(() -> cluster.progressMoves().stream().anyMatch(step -> step.contains("switched")), "switched");
        await(() -> cluster.snapshot().app("mobile").orElseThrow().accelerator().equals(java.util.Optional.of("nano-1/gpu0")),
                "the switch seen");
        nowMs.addAndGet(1000);
        reconciler.pass();
        assertEquals(2, decisions.size(), decisions.toString());
        assertFalse(deployments().contains(mediumDeployment), "no new app while the old copy still holds pi-1");

        await(() -> cluster.progressMoves().stream().anyMatch(step -> step.contains("removed")), "source removed");
        await(() -> !cluster.snapshot().app("mobile").orElseThrow().moving(), "the move seen over");
        nowMs.addAndGet(1000);
        reconciler.pass();
        assertEquals(3, decisions.size(), decisions.toString());
        DecisionRecord place = decisions.get(2);
        assertEquals("place medium pi-1/tpu0 created", place.action() + " " + place.app() + " " + place.to() + " " + place.result());
        assertEquals("new app, after mobile moved to nano-1/gpu0 to make room", place.trigger());
        assertEquals(Set.of(ObjectNames.deploymentName("large", "pi-1/tpu0"), mediumDeployment,
                ObjectNames.deploymentName("mobile", "nano-1/gpu0")), deployments());
    }

    private static InferenceApp withRate(InferenceApp app, double ratePerSec) {
        app.getSpec().setExpectedRatePerSec(ratePerSec);
        return app;
    }
}
