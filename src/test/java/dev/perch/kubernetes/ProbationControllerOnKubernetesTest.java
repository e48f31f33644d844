package dev.perch.kubernetes;

import dev.perch.controller.LiveRates;
import dev.perch.controller.Reconciler;
import dev.perch.controller.RecordingOutputs;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.sim.SimClock;
import dev.perch.telemetry.Confidence;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.PredictionRecord;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller's probation on the mock API server, as {@code run} wires it: an InferenceApp of a
 * model nobody profiled is placed alone on the idle Edge TPU; once the topology's windows (given by
 * hand here) pin its service time down, the learned profile is written into the {@code perch-catalog}
 * ConfigMap's {@code learned.yaml} with its source; a controller started afresh reads it back; and
 * a hand-written entry for the same model and type replaces it.
 */
@EnableKubernetesMockClient(crud = true)
class ProbationControllerOnKubernetesTest {
    KubernetesClient client;
    private final AtomicLong nowMs = new AtomicLong(Instant.parse("2026-11-27T00:00:00Z").toEpochMilli());
    private final SimClock clock = new SimClock(nowMs::get);
    private final List<DecisionRecord> decisions = new ArrayList<>();
    private final List<KubernetesCluster> clusters = new ArrayList<>();

    @AfterEach
    void close() {
        clusters.forEach(KubernetesCluster::close);
    }

    /** A controller as {@code run} builds it: its catalog the ConfigMap's, its learned profiles kept there. */
    private Reconciler controller(KubernetesCluster cluster) {
        Reconciler reconciler = Reconciler.builder(cluster, cluster, clock)
                .learnedProfiles(cluster.learnedProfiles(), cluster::catalog).rates(new LiveRates())
                .outputs(RecordingOutputs.decisionsInto(decisions)).build();
        reconciler.reportTo(cluster);
        return reconciler;
    }

    private KubernetesCluster cluster() {
        KubernetesCluster cluster = new KubernetesCluster(client, NS, new ConfigMapCatalog(client, NS), 10,
                Duration.ofSeconds(120), clock);
        clusters.add(cluster);
        await(cluster::synced, "informers synced");
        return cluster;
    }

    private void ready() {
        for (Deployment d : client.apps().deployments().inNamespace(NS).list().getItems()) {
            client.apps().deployments().inNamespace(NS).withName(d.getMetadata().getName()).editStatus(x -> {
                x.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
                return x;
            });
        }
    }

    /** A prediction window of {@code app} alone on {@code accelerator}: 31.8 ms ± 0.4 from 400 requests over 80 s. */
    private PredictionRecord window(String app, String accelerator) {
        PredictionRecord.AppPrediction entry = PredictionRecord.AppPrediction.builder().app(app).model("yolo_edge")
                .ratePerSec(5).serviceMs(31.8).parameterSource("learned").memoryMb(96.0)
                .confidence(new Confidence(null, new Confidence.Service(0.4, null, null, 400, 80), null, null)).build();
        return new PredictionRecord(PredictionRecord.SCHEMA, accelerator, "edgetpu", accelerator.substring(0, accelerator.indexOf('/')),
                clock.millis() - 1000, clock.millis(), 0.16, true, null, List.of(entry));
    }

    private Optional<String> learnedYaml() {
        ConfigMap map = client.configMaps().inNamespace(NS).withName(ConfigMapCatalog.NAME).get();
        return Optional.ofNullable(map).map(ConfigMap::getData).map(d -> d.get(ConfigMapCatalog.LEARNED_KEY));
    }

    @Test
    void learnedOnProbationWrittenToTheConfigMapKeptOverARestartAndReplacedByAHandWrittenEntry() {
        KubernetesFixtures.acceleratorNode(client, "pi-1", "edgetpu");
        KubernetesFixtures.acceleratorNode(client, "pi-2", "edgetpu");
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-1", "mobilenet_v2", 200.0)).create();
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("door", "yolo_edge", 300.0)).create();
        KubernetesCluster cluster = cluster();
        await(() -> cluster.snapshot().apps().size() == 2, "apps seen");
        Reconciler reconciler = controller(cluster);

        reconciler.pass();
        ready();
        await(() -> cluster.snapshot().apps().stream().allMatch(a -> a.accelerator().isPresent()), "both placed");
        String door = cluster.snapshot().app("door").flatMap(a -> a.accelerator()).orElseThrow();
        assertTrue(!door.equals(cluster.snapshot().app("cam-1").flatMap(a -> a.accelerator()).orElseThrow()),
                "door alone on its own Edge TPU");
        DecisionRecord placed = decisions.stream().filter(d -> d.app().equals("door")).findFirst().orElseThrow();
        assertTrue(placed.reason().startsWith("probation: learning the profile of yolo_edge"), placed.reason());
        reconciler.pass(); // sees door placed: on probation there
        await(() -> cluster.cachedApp("door").map(a -> a.getStatus()).map(s -> Conditions.find(s.getConditions(),
                InferenceAppStatus.PROBATION).map(c -> "True".equals(c.getStatus())).orElse(false)).orElse(false),
                "door's Probation condition");

        nowMs.addAndGet(1000);
        reconciler.observe(window("door", door));
        reconciler.pass();
        await(() -> learnedYaml().isPresent(), "learned.yaml written");
        String yaml = learnedYaml().orElseThrow();
        assertTrue(yaml.contains("yolo_edge"), yaml);
        assertTrue(yaml.contains("learned online from door on " + door + ", 400 requests, 2026-11-27T00:00:01Z"), yaml);
        await(() -> cluster.catalog().profile("yolo_edge", AcceleratorType.EDGETPU).isPresent(), "the informer reads it");
        assertEquals(31.8, cluster.catalog().profile("yolo_edge", AcceleratorType.EDGETPU).orElseThrow().serviceMs());
        assertEquals(96.0, cluster.catalog().profile("yolo_edge", AcceleratorType.EDGETPU).orElseThrow().memoryMb());

        KubernetesCluster restarted = cluster();
        await(() -> restarted.catalog().profile("yolo_edge", AcceleratorType.EDGETPU).isPresent(), "a restart reads it back");
        assertTrue(restarted.catalog().profile("yolo_edge", AcceleratorType.EDGETPU).orElseThrow().source()
                .startsWith("learned online from door"));
        Reconciler again = controller(restarted);
        again.pass();
        assertEquals(Map.of(), again.probationAccelerators(), "door is not on probation again after the restart");

        client.configMaps().inNamespace(NS).withName(ConfigMapCatalog.NAME).edit(map -> {
            map.getData().put(ConfigMapCatalog.KEY, "models:\n  yolo_edge:\n    edgetpu: {serviceMs: 30, swapMs: 20, memoryMb: 110,"
                    + " source: the team's bench}\n");
            return map;
        });
        await(() -> restarted.catalog().profile("yolo_edge", AcceleratorType.EDGETPU)
                .map(ModelProfile::source).filter("the team's bench"::equals).isPresent(), "the hand-written entry wins");
        assertEquals(30, restarted.catalog().profile("yolo_edge", AcceleratorType.EDGETPU).orElseThrow().serviceMs());
        assertTrue(learnedYaml().orElseThrow().contains("learned online from door"), "the learned entry stays, overridden");
    }
}
