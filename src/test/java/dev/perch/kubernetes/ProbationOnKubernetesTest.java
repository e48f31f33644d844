package dev.perch.kubernetes;

import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.sim.SimClock;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An InferenceApp of a model nobody profiled, on the mock API server: admitted, and what its owner reads while Perch learns. */
@EnableKubernetesMockClient(crud = true)
class ProbationOnKubernetesTest {
    private static final String LEARNING = "probation: learning the profile of new_net on nano-1/gpu0";
    KubernetesClient client;
    private KubernetesCluster cluster;

    @BeforeEach
    void cluster() {
        KubernetesFixtures.acceleratorNode(client, "pi-1", "edgetpu");
        KubernetesFixtures.acceleratorNode(client, "nano-1", "gpu");
        cluster = KubernetesFixtures.syncedCluster(client, new SimClock(() -> Instant.parse("2026-11-27T00:00:00Z").toEpochMilli()));
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    private InferenceApp unprofiled(String name) {
        InferenceApp app = app(name, "new_net", 300.0);
        app.getSpec().setAcceleratorTypes(List.of(AcceleratorKind.GPU));
        client.resources(InferenceApp.class).inNamespace(NS).resource(app).create();
        return app;
    }

    private Optional<Condition> condition(String app, String type) {
        InferenceApp read = client.resources(InferenceApp.class).inNamespace(NS).withName(app).get();
        return read.getStatus() == null ? Optional.empty() : Conditions.find(read.getStatus().getConditions(), type);
    }

    /** Waits until the informer's cache has the condition as the server has it (the next report is judged on the cache). */
    private void awaitCached(String app, String type, String status) {
        await(() -> cluster.cachedApp(app).map(InferenceApp::getStatus)
                .flatMap(s -> Conditions.find(s.getConditions(), type)).filter(c -> status.equals(c.getStatus())).isPresent(),
                app + " " + type + "=" + status + " in the cache");
    }

    private long events(String reason) {
        return client.v1().events().inNamespace(NS).list().getItems().stream().filter(e -> reason.equals(e.getReason())).count();
    }

    @Test
    void anAppOfAModelNobodyProfiledIsAdmittedWithTheTypesItsOwnerNamed() {
        assertTrue(!cluster.catalog().knows("new_net"), "the test's premise: new_net is in no catalog");
        unprofiled("cam-9");
        await(() -> cluster.snapshot().app("cam-9").isPresent(), "cam-9 seen");
        RunningApp app = cluster.snapshot().app("cam-9").orElseThrow();
        assertEquals(Set.of(AcceleratorType.GPU), app.spec().acceleratorTypes());
        assertTrue(condition("cam-9", InferenceAppStatus.UNSCHEDULABLE).isEmpty(), "not refused");
    }

    @Test
    void waitingForProbationIsUnschedulableWithItsReason() {
        unprofiled("cam-9");
        await(() -> cluster.cachedApp("cam-9").isPresent(), "cam-9 seen");
        cluster.waitingForProbation("cam-9", "no gpu is idle for the probation of new_net; waiting for one");
        Condition waiting = condition("cam-9", InferenceAppStatus.UNSCHEDULABLE).orElseThrow();
        assertEquals(List.of("True", "WaitingForProbation", "no gpu is idle for the probation of new_net; waiting for one"),
                List.of(waiting.getStatus(), waiting.getReason(), waiting.getMessage()));
    }

    @Test
    void probationIsAConditionWhileItLastsAndAnEventAsItStartsAndEnds() {
        unprofiled("cam-9");
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("good", "mobilenet_v2", 200.0)).create();
        await(() -> cluster.cachedApp("cam-9").isPresent() && cluster.cachedApp("good").isPresent(), "apps seen");

        cluster.onProbation("cam-9", LEARNING);
        Condition learning = condition("cam-9", InferenceAppStatus.PROBATION).orElseThrow();
        assertEquals(List.of("True", "LearningProfile", LEARNING), List.of(learning.getStatus(), learning.getReason(), learning.getMessage()));
        assertEquals(1, events("Probation"));
        awaitCached("cam-9", InferenceAppStatus.PROBATION, "True");
        cluster.onProbation("cam-9", LEARNING);
        assertEquals(1, events("Probation"), "said once");

        cluster.onProbation("cam-9", null);
        Condition over = condition("cam-9", InferenceAppStatus.PROBATION).orElseThrow();
        assertEquals(List.of("False", "ProfileLearned"), List.of(over.getStatus(), over.getReason()));
        assertEquals(1, events("ProbationEnded"));
        awaitCached("cam-9", InferenceAppStatus.PROBATION, "False");
        cluster.onProbation("cam-9", null);
        assertEquals(1, events("ProbationEnded"), "said once");

        cluster.onProbation("good", null);
        assertTrue(condition("good", InferenceAppStatus.PROBATION).isEmpty(), "an app never on probation gets no condition");
        assertEquals(1, events("ProbationEnded"));
    }
}
