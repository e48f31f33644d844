package dev.perch.kubernetes;

import dev.perch.cluster.RunningApp;
import dev.perch.controller.LiveRates;
import dev.perch.controller.RecordingOutputs;
import dev.perch.controller.Reconciler;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.telemetry.DecisionRecord;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code spec.sloWindowSec} of an InferenceApp, on the mock API server — which, unlike a real one,
 * enforces no schema, so it hands over every window an owner could write: each one Perch cannot
 * judge over is answered with {@code Unschedulable}/{@code Invalid} and the pass goes on with the rest.
 */
@EnableKubernetesMockClient(crud = true)
class SloWindowOnKubernetesTest {
    KubernetesClient client;
    private final AtomicLong nowMs = new AtomicLong(Instant.parse("2026-12-05T00:00:00Z").toEpochMilli());
    private final SimClock clock = new SimClock(nowMs::get);
    private KubernetesCluster cluster;

    @BeforeEach
    void cluster() {
        KubernetesFixtures.acceleratorNode(client, "pi-1", "edgetpu");
        KubernetesFixtures.acceleratorNode(client, "nano-1", "gpu");
        cluster = KubernetesFixtures.syncedCluster(client, clock);
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    private void create(InferenceApp app) {
        client.resources(InferenceApp.class).inNamespace(NS).resource(app).create();
    }

    /** Writes the window as raw JSON, past the typed client, as an owner's kubectl would on a server without the schema. */
    private void stateWindow(String app, String json) {
        client.resources(InferenceApp.class).inNamespace(NS).withName(app).patch(PatchContext.of(PatchType.JSON),
                "[{\"op\":\"add\",\"path\":\"/spec/sloWindowSec\",\"value\":" + json + "}]");
    }

    private Optional<Condition> unschedulable(String app) {
        InferenceApp read = client.resources(InferenceApp.class).inNamespace(NS).withName(app).get();
        return read.getStatus() == null ? Optional.empty() : read.getStatus().getConditions().stream()
                .filter(c -> InferenceAppStatus.UNSCHEDULABLE.equals(c.getType())).findFirst();
    }

    @Test
    void aWindowStatedOnTheInferenceAppIsTheWindowOfItsSloAndNoneMeansSixty() {
        create(app("windowed", "mobilenet_v2", 200.0));
        InferenceApp typed = app("typed", "mobilenet_v2", 200.0);
        typed.getSpec().sloWindowSec(3600);
        create(typed);
        create(app("plain", "mobilenet_v2", 200.0));
        stateWindow("windowed", "30");
        await(() -> cluster.snapshot().app("windowed").map(a -> a.spec().sloWindowSec() == 30).orElse(false)
                && cluster.snapshot().apps().size() == 3, "the stated window read");

        Map<String, Integer> windows = cluster.snapshot().apps().stream()
                .collect(Collectors.toMap(RunningApp::app, a -> a.spec().sloWindowSec(), (a, b) -> a, TreeMap::new));
        assertEquals(Map.of("plain", AppSpec.DEFAULT_SLO_WINDOW_SEC, "typed", 3600, "windowed", 30), windows);
        assertEquals(3600, client.resources(InferenceApp.class).inNamespace(NS).withName("typed").get().getSpec().getSloWindowSec(),
                "the typed client writes the window");
        assertTrue(unschedulable("windowed").isEmpty() && unschedulable("typed").isEmpty() && unschedulable("plain").isEmpty());
    }

    @Test
    void aWindowPerchCannotJudgeOverMarksTheAppInvalidAndThePassPlacesTheRest() {
        Map<String, String> stated = new TreeMap<>(Map.of(
                "zero", "0", "negative", "-5", "too-long", "3601", "fractional", "1.5",
                "text", "\"sixty\"", "huge", "1000000000000", "a-list", "[60]"));
        for (Map.Entry<String, String> window : stated.entrySet()) {
            create(app(window.getKey(), "mobilenet_v2", 200.0));
            stateWindow(window.getKey(), window.getValue());
        }
        create(app("good", "mobilenet_v2", 200.0));
        stateWindow("good", "60.0");

        List<DecisionRecord> decisions = new ArrayList<>();
        Reconciler reconciler = Reconciler.builder(cluster, cluster, clock).catalog(ScenarioReader.defaultCatalog())
                .rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(decisions)).build();
        reconciler.reportTo(cluster);
        await(() -> {
            reconciler.pass(); // the pass reads the cluster, which marks what cannot be planned for
            return stated.keySet().stream().allMatch(app -> unschedulable(app).isPresent())
                    && decisions.stream().anyMatch(d -> d.app().equals("good"));
        }, "every invalid window marked, the good app decided on");

        for (Map.Entry<String, String> window : stated.entrySet()) {
            Condition condition = unschedulable(window.getKey()).orElseThrow();
            assertEquals("True", condition.getStatus(), window.getKey());
            assertEquals("Invalid", condition.getReason(), window.getKey());
            assertEquals("spec.sloWindowSec must be a whole number of seconds from 1 to 3600, got " + window.getValue(),
                    condition.getMessage());
            assertEquals(1, condition.getMessage().lines().count());
        }
        assertEquals(List.of("good"), cluster.snapshot().apps().stream().map(RunningApp::app).toList());
        assertEquals(60, cluster.snapshot().app("good").orElseThrow().spec().sloWindowSec(), "60.0 is a whole 60 seconds");
        assertEquals("place", decisions.stream().filter(d -> d.app().equals("good")).findFirst().orElseThrow().action());
        assertTrue(decisions.stream().noneMatch(d -> stated.containsKey(d.app())), "no decision on an invalid app: " + decisions);
        assertTrue(unschedulable("good").isEmpty() || "False".equals(unschedulable("good").get().getStatus()));
        assertTrue(client.v1().events().inNamespace(NS).list().getItems().stream()
                .anyMatch(e -> "Invalid".equals(e.getReason()) && e.getMessage().contains("sloWindowSec")), "an Event says why");
    }

    @Test
    void anInvalidWindowDoesNotBreakTheReadingOfTheInferenceAppOrWriteItsSpec() {
        create(app("fractional", "mobilenet_v2", 200.0));
        stateWindow("fractional", "1.5");
        await(() -> {
            cluster.snapshot();
            return unschedulable("fractional").isPresent();
        }, "marked");
        InferenceApp read = client.resources(InferenceApp.class).inNamespace(NS).withName("fractional").get();
        assertEquals("1.5", read.getSpec().sloWindowSecAsStated().toString(), "not coerced to 1");
        assertEquals(null, read.getSpec().getSloWindowSec());
        Map<?, ?> raw = client.genericKubernetesResources(
                        io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.fromResourceType(InferenceApp.class)).inNamespace(NS)
                .withName("fractional").get().get("spec");
        assertEquals(1.5, ((Number) raw.get("sloWindowSec")).doubleValue(), "writing the status left the owner's spec alone");
        assertFalse(cluster.snapshot().app("fractional").isPresent());
    }
}
