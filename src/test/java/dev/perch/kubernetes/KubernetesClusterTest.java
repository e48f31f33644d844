package dev.perch.kubernetes;

import dev.perch.cluster.ApplyResult;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.PlanStep;
import dev.perch.cluster.RunningApp;
import dev.perch.controller.LiveRates;
import dev.perch.controller.RecordingOutputs;
import dev.perch.controller.Reconciler;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.DecisionRecord;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.perch.sim.SimClock;
import java.util.concurrent.atomic.AtomicLong;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Kubernetes ports against the fabric8 mock API server in CRUD mode. The mock runs no
 * controllers, so {@link #kubelet} plays the kubelet and the Deployment controller: it marks a
 * Deployment ready when its node is healthy, never when it is not.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesClusterTest {
    KubernetesClient client;
    private final AtomicLong nowMs = new AtomicLong(Instant.parse("2026-11-27T00:00:00Z").toEpochMilli());
    private final SimClock clock = new SimClock(nowMs::get);
    private KubernetesCluster cluster;

    @BeforeEach
    void cluster() {
        node("pi-1", "edgetpu");
        node("pi-2", "edgetpu");
        node("nano-1", "gpu");
        cluster = KubernetesFixtures.syncedCluster(client, clock);
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    private void node(String name, String type) {
        KubernetesFixtures.acceleratorNode(client, name, type);
    }


    private void create(InferenceApp app) {
        client.resources(InferenceApp.class).inNamespace(NS).resource(app).create();
    }

    private InferenceApp read(String name) {
        return client.resources(InferenceApp.class).inNamespace(NS).withName(name).get();
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** The kubelet and Deployment controller the mock lacks: Deployments on healthy nodes become ready. */
    private void kubelet(Set<String> healthyNodes) {
        for (Deployment deployment : client.apps().deployments().inNamespace(NS).list().getItems()) {
            String node = deployment.getSpec().getTemplate().getSpec().getNodeSelector().get("kubernetes.io/hostname");
            if (healthyNodes.contains(node) && (deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null)) {
                client.apps().deployments().inNamespace(NS).withName(deployment.getMetadata().getName()).editStatus(d -> {
                    d.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                            .withReplicas(1).withReadyReplicas(1).withAvailableReplicas(1).build());
                    return d;
                });
            }
        }
    }

    private Deployment deployment(String app, String accelerator) {
        return client.apps().deployments().inNamespace(NS).withName(ObjectNames.deploymentName(app, accelerator)).get();
    }

    private static boolean isReady(Deployment d) {
        return d != null && d.getStatus() != null && d.getStatus().getReadyReplicas() != null && d.getStatus().getReadyReplicas() >= 1;
    }

    /** The invariant of every step: the Service selects a Deployment that exists and is ready. */
    private String servingAndReady(String app) {
        Map<String, String> selector = client.services().inNamespace(NS).withName(app).get().getSpec().getSelector();
        String slug = selector.get(ObjectNames.ACCELERATOR_LABEL);
        Deployment serving = client.apps().deployments().inNamespace(NS).withName(app + "-" + slug).get();
        assertTrue(isReady(serving), app + ": the Service selects " + slug + ", which is not a ready Deployment");
        return slug;
    }

    private Optional<Condition> condition(String app, String type) {
        InferenceApp read = read(app);
        return read.getStatus() == null ? Optional.empty()
                : read.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /**
     * Waits until the server's status passes {@code test}, and the informer's cache too: the steps
     * that follow read the cache, which a watch event brings up to date a moment after the server.
     */
    private void awaitStatus(String app, java.util.function.Predicate<InferenceAppStatus> test, String what) {
        await(() -> {
            InferenceApp current = read(app);
            return current.getStatus() != null && test.test(current.getStatus())
                    && cluster.cachedApp(app).map(InferenceApp::getStatus).filter(test).isPresent();
        }, what);
    }

    @Test
    void anAppNoAcceleratorTakesIsMarkedUnschedulableUntilItIsPlaced() {
        create(app("cam-1", "mobilenet_v2", 200.0));
        await(() -> cluster.snapshot().apps().size() == 1, "app seen");
        cluster.unplaced("cam-1", "no device keeps every SLO (pi-1/tpu0: predicted utilization 0.93 over the cap of 0.80)");
        awaitStatus("cam-1", s -> s.getConditions().stream().anyMatch(c -> InferenceAppStatus.UNSCHEDULABLE.equals(c.getType())
                && "True".equals(c.getStatus()) && "NoFeasibleAccelerator".equals(c.getReason())
                && c.getMessage().contains("over the cap")), "Unschedulable with why");

        cluster.apply(new PlanStep.Place("cam-1", "pi-1/tpu0"));
        awaitStatus("cam-1", s -> s.getConditions().stream().anyMatch(c -> InferenceAppStatus.UNSCHEDULABLE.equals(c.getType())
                && "False".equals(c.getStatus())), "placed: Unschedulable back to False");
    }

    /**
     * An EfficientNet-L app at 15 req/s fits on an idle Edge TPU, but would take 15 × 42.18 / 1000 / 0.8
     * = 0.79 of a device's time, more than 0.35 of the 2.00 left on the two: the controller turns it
     * away, and its InferenceApp says so (reason {@code EdgeTpuTimeReserved}). Once the app is
     * deleted, the live view no longer lists it among the apps that run nowhere.
     */
    @Test
    void anAppTurnedAwayToKeepEdgeTpuTimeIsMarkedSoAndForgottenWhenDeleted() {
        InferenceApp heavy = app("heavy", "efficientnet-L", 2000.0);
        heavy.getSpec().setExpectedRatePerSec(15);
        create(heavy);
        await(() -> cluster.snapshot().apps().size() == 1, "app seen");
        List<DecisionRecord> decisions = new ArrayList<>();
        Reconciler reconciler = Reconciler.builder(cluster, cluster, clock)
                .catalog(ScenarioReader.defaultCatalog()).rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(decisions)).build();
        reconciler.reportTo(cluster);
        reconciler.pass();
        assertEquals("none", decisions.get(0).action());
        assertTrue(decisions.get(0).reason().startsWith("it can run only on Edge TPUs and would take 0.79 of a device's time,"
                + " more than 0.35 of the 2.00 left"), decisions.get(0).reason());
        awaitStatus("heavy", s -> s.getConditions().stream().anyMatch(c -> InferenceAppStatus.UNSCHEDULABLE.equals(c.getType())
                && "True".equals(c.getStatus()) && "EdgeTpuTimeReserved".equals(c.getReason())
                && c.getMessage().startsWith("it can run only on Edge TPUs")), "Unschedulable, EdgeTpuTimeReserved");
        assertTrue(reconciler.unplacedApps().get("heavy").startsWith("turned away: "), reconciler.unplacedApps().toString());

        client.resources(InferenceApp.class).inNamespace(NS).withName("heavy").delete();
        await(() -> cluster.snapshot().apps().isEmpty(), "the deletion seen");
        reconciler.pass();
        assertEquals(Map.of(), reconciler.unplacedApps());
    }

    @Test
    void theInventoryComesFromLabelledNodesAndInferenceApps() {
        create(app("cam-1", "inception_v3", 300.0));
        await(() -> cluster.snapshot().apps().size() == 1, "the app in the snapshot");
        ClusterSnapshot snapshot = cluster.snapshot();
        assertEquals(List.of("nano-1", "pi-1", "pi-2"), snapshot.nodes().stream().map(n -> n.node()).toList());
        assertEquals(4096, snapshot.node("pi-1").orElseThrow().memoryMb(), 1e-9);
        assertEquals(List.of("nano-1/gpu0", "pi-1/tpu0", "pi-2/tpu0"),
                snapshot.accelerators().stream().map(a -> a.id()).toList());
        RunningApp app = snapshot.apps().get(0);
        assertEquals("inception_v3", app.spec().model());
        assertEquals(300, app.spec().sloMs());
        assertTrue(app.accelerator().isEmpty());
    }

    @Test
    void theControllerPlacesNewInferenceAppsAsPinnedDeployments() {
        create(app("cam-1", "inception_v3", 300.0));
        create(app("cam-2", "mobilenet_v2", 200.0));
        await(() -> cluster.snapshot().apps().size() == 2, "both apps seen");
        List<DecisionRecord> decisions = new ArrayList<>();
        Reconciler reconciler = Reconciler.builder(cluster, cluster, clock)
                .catalog(ScenarioReader.defaultCatalog()).rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(decisions)).build();
        reconciler.pass();
        await(() -> cluster.snapshot().apps().stream().allMatch(a -> a.accelerator().isPresent()), "statuses seen");

        assertEquals(2, decisions.size(), decisions.toString());
        for (DecisionRecord decision : decisions) {
            assertEquals("place", decision.action());
            assertEquals("created", decision.result());
            Deployment deployment = deployment(decision.app(), decision.to());
            assertNotNull(deployment, decision.to());
            String node = decision.to().substring(0, decision.to().indexOf('/'));
            assertEquals(node, deployment.getSpec().getTemplate().getSpec().getNodeSelector().get("kubernetes.io/hostname"));
            assertTrue(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                    .anyMatch(e -> e.getName().equals("PERCH_ACCELERATOR") && e.getValue().equals(decision.to())));
            assertEquals(decision.to(), read(decision.app()).getStatus().getAccelerator());
            assertEquals("True", condition(decision.app(), InferenceAppStatus.PLACED).orElseThrow().getStatus());
            assertTrue(client.v1().events().inNamespace(NS).list().getItems().stream()
                    .anyMatch(e -> e.getInvolvedObject().getName().equals(decision.app()) && e.getReason().equals("Placed")));
        }
    }

    @Test
    void aMigrationIsMakeBeforeBreakStepByStep() {
        create(app("cam-1", "mobilenet_v2", 200.0));
        await(() -> cluster.snapshot().apps().size() == 1, "app seen");
        assertEquals("created", cluster.apply(new PlanStep.Place("cam-1", "pi-1/tpu0")).kind());
        kubelet(Set.of("pi-1", "pi-2"));
        assertEquals("pi-1-tpu0", servingAndReady("cam-1"));
        awaitStatus("cam-1", s -> "pi-1/tpu0".equals(s.getAccelerator()), "placed");

        // 1. Start on the target; traffic stays on the source.
        ApplyResult started = cluster.apply(new PlanStep.Move("cam-1", "pi-1/tpu0", "pi-2/tpu0"));
        assertEquals("patched", started.kind());
        assertNotNull(deployment("cam-1", "pi-2/tpu0"), "target created");
        assertEquals("pi-1-tpu0", servingAndReady("cam-1"));
        awaitStatus("cam-1", s -> s.getMigration() != null, "migration recorded in the status");
        assertEquals(Migrations.STARTING, read("cam-1").getStatus().getMigration().getPhase());
        assertEquals(Optional.of("pi-2/tpu0"), cluster.snapshot().app("cam-1").orElseThrow().migratingTo());

        // 2. Not ready yet: nothing switches.
        assertTrue(cluster.progressMoves().get(0).contains("waiting"));
        assertEquals("pi-1-tpu0", servingAndReady("cam-1"));

        // 3. Ready: traffic switches; the source still runs.
        kubelet(Set.of("pi-1", "pi-2"));
        assertTrue(cluster.progressMoves().get(0).contains("switched"));
        assertEquals("pi-2-tpu0", servingAndReady("cam-1"));
        assertNotNull(deployment("cam-1", "pi-1/tpu0"), "the source is removed only after the switch");
        awaitStatus("cam-1", s -> s.getMigration() != null && Migrations.SWITCHED.equals(s.getMigration().getPhase()),
                "switched");

        // 4. The source is removed and the migration cleared.
        assertTrue(cluster.progressMoves().get(0).contains("removed"));
        assertNull(deployment("cam-1", "pi-1/tpu0"));
        assertEquals("pi-2-tpu0", servingAndReady("cam-1"));
        awaitStatus("cam-1", s -> s.getMigration() == null, "migration cleared");
        assertEquals("pi-2/tpu0", read("cam-1").getStatus().getAccelerator());
        assertEquals("Completed", condition("cam-1", InferenceAppStatus.MIGRATING).orElseThrow().getReason());
    }

    @Test
    void aTargetThatNeverBecomesReadyIsRolledBackAndReported() {
        create(app("cam-1", "mobilenet_v2", 200.0));
        await(() -> cluster.snapshot().apps().size() == 1, "app seen");
        cluster.apply(new PlanStep.Place("cam-1", "pi-1/tpu0"));
        kubelet(Set.of("pi-1"));
        awaitStatus("cam-1", s -> "pi-1/tpu0".equals(s.getAccelerator()), "placed");
        cluster.apply(new PlanStep.Move("cam-1", "pi-1/tpu0", "pi-2/tpu0"));
        awaitStatus("cam-1", s -> s.getMigration() != null, "migration recorded");

        kubelet(Set.of("pi-1")); // pi-2 is broken: its Deployment never becomes ready
        nowMs.addAndGet(60_000);
        assertTrue(cluster.progressMoves().get(0).contains("waiting"));
        assertEquals("pi-1-tpu0", servingAndReady("cam-1"));
        nowMs.addAndGet(61_000);
        String outcome = cluster.progressMoves().get(0);
        assertTrue(outcome.contains("rolled back"), outcome);

        assertNull(deployment("cam-1", "pi-2/tpu0"), "the target is removed");
        assertEquals("pi-1-tpu0", servingAndReady("cam-1"));
        awaitStatus("cam-1", s -> s.getMigration() == null, "migration cleared");
        Condition migrating = condition("cam-1", InferenceAppStatus.MIGRATING).orElseThrow();
        assertEquals("RolledBack", migrating.getReason());
        assertTrue(migrating.getMessage().contains("pi-2/tpu0 was not ready within 120 s; still served on pi-1/tpu0"),
                migrating.getMessage());
        assertTrue(client.v1().events().inNamespace(NS).list().getItems().stream()
                .anyMatch(e -> e.getReason().equals("MigrationRolledBack")));
    }

    /**
     * A target that never became ready takes no app for the hold: the app still at risk is sent
     * elsewhere, not back to it after its cooldown; with every other target failed too it gets
     * {@code none}, saying why; after the hold the target is tried again.
     */
    @Test
    void anAcceleratorAMoveFailedToReachTakesNoAppUntilItsHoldEnds() {
        create(app("cam-1", "mobilenet_v2", 200.0));
        await(() -> cluster.snapshot().apps().size() == 1, "app seen");
        cluster.apply(new PlanStep.Place("cam-1", "pi-1/tpu0"));
        kubelet(Set.of("pi-1"));
        await(() -> cluster.snapshot().app("cam-1").flatMap(RunningApp::accelerator).isPresent(), "placed");
        List<DecisionRecord> decisions = new ArrayList<>();
        Reconciler reconciler = Reconciler.builder(cluster, cluster, clock)
                .catalog(ScenarioReader.defaultCatalog()).rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(decisions)).build();
        io.micrometer.core.instrument.MeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        new dev.perch.runtime.SloMetrics(registry).watch(cluster, reconciler);
        java.util.function.DoubleSupplier held = () -> registry.get(dev.perch.runtime.SloMetrics.ACCELERATORS_HELD).gauge().value();

        // Two moves, each to a node whose Deployment never becomes ready, each rolled back.
        List<String> failedTargets = new ArrayList<>();
        for (int attempt = 0; attempt < 2; attempt++) {
            nowMs.addAndGet(31_000); // past the cooldown
            alertAbout(reconciler, "cam-1", "pi-1/tpu0");
            DecisionRecord move = decisions.get(decisions.size() - 1);
            assertEquals("move", move.action(), move.toString());
            assertFalse(failedTargets.contains(move.to()), "moved again to " + move.to() + ", a target that failed: " + decisions);
            failedTargets.add(move.to());
            await(() -> cluster.snapshot().app("cam-1").map(RunningApp::moving).orElse(false), "move under way");
            reconciler.pass(); // a pass of the loop: sees the move under way
            nowMs.addAndGet(121_000);
            kubelet(Set.of("pi-1"));
            assertTrue(cluster.progressMoves().get(0).contains("rolled back"));
            await(() -> !cluster.snapshot().app("cam-1").orElseThrow().moving(), "rolled back");
            reconciler.pass(); // the next pass: sees it back on its source
        }
        assertEquals(Set.of("pi-2/tpu0", "nano-1/gpu0"), Set.copyOf(failedTargets));
        assertEquals(Set.copyOf(failedTargets), reconciler.heldAccelerators().keySet());
        assertEquals(2.0, held.getAsDouble(), "the operators' gauge");

        nowMs.addAndGet(31_000);
        alertAbout(reconciler, "cam-1", "pi-1/tpu0");
        DecisionRecord none = decisions.get(decisions.size() - 1);
        assertEquals("none", none.action(), none.toString());
        for (String target : failedTargets) {
            assertTrue(none.reason().contains(target + ": a move of cam-1 from pi-1/tpu0 to it failed"), none.reason());
        }
        assertEquals(1, client.apps().deployments().inNamespace(NS).list().getItems().size(), "no third Deployment tried");

        nowMs.addAndGet(Duration.ofMinutes(10).toMillis()); // the documented hold: over for both failures
        assertEquals(0.0, held.getAsDouble());
        alertAbout(reconciler, "cam-1", "pi-1/tpu0");
        DecisionRecord retry = decisions.get(decisions.size() - 1);
        assertEquals("move", retry.action(), retry.toString());
        assertTrue(failedTargets.contains(retry.to()), retry.to());
    }

    private void alertAbout(Reconciler reconciler, String app, String accelerator) {
        reconciler.onAlert(new dev.perch.telemetry.AlertRecord(dev.perch.telemetry.AlertRecord.SCHEMA, app + ":" + clock.millis(),
                "impending", app, accelerator, accelerator.substring(0, accelerator.indexOf('/')), 200, "mean", 210.0, 230.0,
                10.0, 150.0, clock.millis(), "rising"));
    }

    @Test
    void invalidInferenceAppsAreMarkedNotPlannedAndTheRestGoesOn() {
        create(app("no-model", null, 300.0));
        create(app("zero-slo", "mobilenet_v2", 0.0));
        create(app("unknown-model", "gpt-7", 300.0));
        create(app("good", "mobilenet_v2", 200.0));
        await(() -> {
            cluster.snapshot(); // reading the cluster marks what cannot be planned for
            return condition("no-model", InferenceAppStatus.UNSCHEDULABLE).isPresent()
                    && condition("zero-slo", InferenceAppStatus.UNSCHEDULABLE).isPresent();
        }, "every invalid app marked");
        // A model nobody profiled is no reason to refuse an app: it goes on probation.
        assertEquals(Set.of("good", "unknown-model"), cluster.snapshot().apps().stream().map(RunningApp::app).collect(Collectors.toSet()));
        assertEquals("spec.model is missing", condition("no-model", InferenceAppStatus.UNSCHEDULABLE).orElseThrow().getMessage());
        assertEquals("spec.sloMs must be a number > 0, got 0.0",
                condition("zero-slo", InferenceAppStatus.UNSCHEDULABLE).orElseThrow().getMessage());
        assertFalse(condition("unknown-model", InferenceAppStatus.UNSCHEDULABLE).isPresent());
        assertFalse(condition("good", InferenceAppStatus.UNSCHEDULABLE).isPresent());
    }

    @Test
    void sloReportsSetAndClearSloAtRiskOnTheStatusOnlyWhenItChanges() {
        create(app("cam-1", "mobilenet_v2", 200.0));
        await(() -> cluster.snapshot().apps().size() == 1, "app seen");
        cluster.met("cam-1", 50.0, 48.0);
        assertTrue(condition("cam-1", InferenceAppStatus.SLO_AT_RISK).isEmpty(), "never at risk: nothing written");

        cluster.atRisk("cam-1", 215.0, 180.0, "impending: predicted mean 215.0 ms within 12 s, over the 200 ms SLO");
        awaitStatus("cam-1", s -> s.getPredictedMs() != null, "reported");
        Condition atRisk = condition("cam-1", InferenceAppStatus.SLO_AT_RISK).orElseThrow();
        assertEquals("True", atRisk.getStatus());
        assertTrue(atRisk.getMessage().contains("over the 200 ms SLO"), atRisk.getMessage());
        assertEquals(215.0, read("cam-1").getStatus().getPredictedMs());
        assertEquals(180.0, read("cam-1").getStatus().getObservedMs());
        assertTrue(client.v1().events().inNamespace(NS).list().getItems().stream().anyMatch(e -> e.getReason().equals("SloAtRisk")));

        // A report reads the informer's cache, which may not have the at-risk condition yet; reports
        // come once per telemetry window, so the next one clears it.
        await(() -> {
            cluster.met("cam-1", 120.0, 110.0);
            return "False".equals(condition("cam-1", InferenceAppStatus.SLO_AT_RISK).orElseThrow().getStatus());
        }, "cleared");
        assertEquals(120.0, read("cam-1").getStatus().getPredictedMs());
    }

    @Test
    void aPinnedAppIsPlacedWhereItsOwnerSaysAndNeverMoved() {
        InferenceApp pinned = app("dock-cam", "mobilenet_v2", 200.0);
        pinned.getSpec().setPinnedTo("pi-2/tpu0");
        create(pinned);
        InferenceApp onNode = app("gate-cam", "mobilenet_v2", 200.0);
        onNode.getSpec().setPinnedTo("pi-1");
        create(onNode);
        await(() -> cluster.snapshot().apps().size() == 2, "apps seen");
        List<DecisionRecord> decisions = new ArrayList<>();
        Reconciler reconciler = Reconciler.builder(cluster, cluster, clock)
                .catalog(ScenarioReader.defaultCatalog()).rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(decisions)).build();
        reconciler.pass();
        assertEquals("pi-2/tpu0", decisions.stream().filter(d -> d.app().equals("dock-cam")).findFirst().orElseThrow().to());
        assertEquals("pi-1/tpu0", decisions.stream().filter(d -> d.app().equals("gate-cam")).findFirst().orElseThrow().to());
        assertNotNull(deployment("dock-cam", "pi-2/tpu0"));
        await(() -> cluster.snapshot().app("dock-cam").flatMap(RunningApp::accelerator).isPresent(), "placement seen");
        nowMs.addAndGet(31_000); // past the placement's cooldown

        reconciler.onAlert(new dev.perch.telemetry.AlertRecord(dev.perch.telemetry.AlertRecord.SCHEMA, "a", "impending",
                "dock-cam", "pi-2/tpu0", "pi-2", 200, "mean", 210.0, 230.0, 10.0, 150.0, clock.millis(), "rising"));
        DecisionRecord last = decisions.get(decisions.size() - 1);
        assertEquals("none", last.action());
        assertTrue(last.reason().contains("pinned to pi-2/tpu0 by its owner"), last.reason());
        assertNull(read("dock-cam").getStatus().getMigration());
    }

    @Test
    void theAppsOfALostNodeArePlacedAgainElsewhere() {
        create(app("cam-1", "mobilenet_v2", 200.0));
        await(() -> cluster.snapshot().apps().size() == 1, "app seen");
        cluster.apply(new PlanStep.Place("cam-1", "pi-1/tpu0"));
        kubelet(Set.of("pi-1", "pi-2", "nano-1"));
        await(() -> cluster.snapshot().app("cam-1").flatMap(RunningApp::accelerator).isPresent(), "placed");

        client.nodes().withName("pi-1").delete();
        await(() -> cluster.snapshot().app("cam-1").flatMap(RunningApp::accelerator).isEmpty(), "the lost node's app unplaced");
        List<DecisionRecord> decisions = new ArrayList<>();
        Reconciler.builder(cluster, cluster, clock)
                .catalog(ScenarioReader.defaultCatalog()).rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(decisions)).build().pass();
        assertEquals(1, decisions.size());
        String to = decisions.get(0).to();
        assertFalse(to.startsWith("pi-1/"), to);
        assertNotNull(deployment("cam-1", to));
        await(() -> deployment("cam-1", "pi-1/tpu0") == null, "the Deployment on the lost node removed");
        kubelet(Set.of("pi-2", "nano-1"));
        assertEquals(ObjectNames.slug(to), servingAndReady("cam-1"));
    }
}
