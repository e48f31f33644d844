package dev.perch.kubernetes;

import dev.perch.cluster.AppTelemetry;
import dev.perch.controller.LiveRates;
import dev.perch.controller.Reconciler;
import dev.perch.controller.RecordingOutputs;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.PredictionRecord;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code spec.telemetry} of an InferenceApp on the mock API server (which, unlike a real one, runs
 * no schema, so every bad value reaches Perch): what is accepted, what is refused and why, and the
 * apps record that tells the node agent where to scrape — a new one when the app's pod gets a new IP.
 */
@EnableKubernetesMockClient(crud = true)
class TelemetryOnKubernetesTest {
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

    private void create(String name, String telemetryJson) {
        client.resources(InferenceApp.class).inNamespace(NS).resource(app(name, "mobilenet_v2", 200.0)).create();
        if (telemetryJson != null) {
            client.resources(InferenceApp.class).inNamespace(NS).withName(name).patch(PatchContext.of(PatchType.JSON),
                    "[{\"op\":\"add\",\"path\":\"/spec/telemetry\",\"value\":" + telemetryJson + "}]");
        }
    }

    private Optional<Condition> unschedulable(String app) {
        InferenceApp read = client.resources(InferenceApp.class).inNamespace(NS).withName(app).get();
        return read.getStatus() == null ? Optional.empty() : Conditions.find(read.getStatus().getConditions(),
                InferenceAppStatus.UNSCHEDULABLE);
    }

    @Test
    void scrapeWithItsDefaultsPushAndNoneAreAccepted() {
        create("scraped", "{\"scrape\":{\"preset\":\"triton\",\"port\":8002}}");
        create("named", "{\"scrape\":{\"preset\":\"torchserve\",\"port\":8082,\"path\":\"/m\",\"serverModel\":\"mnv2\"}}");
        create("pushed", "{\"push\":{}}");
        create("own", null);
        await(() -> cluster.snapshot().apps().size() == 4
                && cluster.snapshot().app("named").flatMap(a -> a.telemetry()).isPresent(), "all four read");

        Map<String, Optional<AppTelemetry>> read = new TreeMap<>();
        cluster.snapshot().apps().forEach(a -> read.put(a.app(), a.telemetry()));
        assertEquals(Optional.of(new AppTelemetry.Scrape("triton", 8002, "/metrics", "mobilenet_v2", Map.of())),
                read.get("scraped"), "path /metrics and the app's model by default");
        assertEquals(Optional.of(new AppTelemetry.Scrape("torchserve", 8082, "/m", "mnv2", Map.of())), read.get("named"));
        assertEquals(Optional.of(new AppTelemetry.Push()), read.get("pushed"));
        assertEquals(Optional.empty(), read.get("own"));
        for (String app : read.keySet()) {
            assertTrue(unschedulable(app).isEmpty(), app);
        }
        InferenceApp typed = app("typed", "mobilenet_v2", 200.0);
        InferenceAppTelemetry telemetry = new InferenceAppTelemetry();
        telemetry.setPush(new InferenceAppTelemetry.Push());
        typed.getSpec().setTelemetry(telemetry);
        client.resources(InferenceApp.class).inNamespace(NS).resource(typed).create();
        assertTrue(client.resources(InferenceApp.class).inNamespace(NS).withName("typed").get().getSpec().getTelemetry()
                .getPush() != null, "the typed client writes push: {}");
    }

    @Test
    void aTelemetryPerchCannotUseMarksTheAppInvalidWithWhyAndThePassPlacesTheRest() {
        Map<String, String> stated = new TreeMap<>();
        stated.put("both", "{\"scrape\":{\"preset\":\"triton\",\"port\":8002},\"push\":{}}");
        stated.put("neither", "{}");
        stated.put("custom", "{\"scrape\":{\"preset\":\"custom\",\"port\":8002}}");
        stated.put("no-preset", "{\"scrape\":{\"port\":8002}}");
        stated.put("unknown-preset", "{\"scrape\":{\"preset\":\"prometheus\",\"port\":8002}}");
        stated.put("no-port", "{\"scrape\":{\"preset\":\"triton\"}}");
        stated.put("port-zero", "{\"scrape\":{\"preset\":\"triton\",\"port\":0}}");
        stated.put("port-high", "{\"scrape\":{\"preset\":\"triton\",\"port\":65536}}");
        stated.put("port-text", "{\"scrape\":{\"preset\":\"triton\",\"port\":\"8002\"}}");
        stated.put("port-fraction", "{\"scrape\":{\"preset\":\"triton\",\"port\":8002.5}}");
        stated.put("relative-path", "{\"scrape\":{\"preset\":\"triton\",\"port\":8002,\"path\":\"metrics\"}}");
        stated.put("blank-model", "{\"scrape\":{\"preset\":\"triton\",\"port\":8002,\"serverModel\":\" \"}}");
        Map<String, String> expected = new TreeMap<>();
        String presets = "triton, torchserve, ovms, kserve, mlserver";
        expected.put("both", "spec.telemetry must state exactly one of scrape or push, got both");
        expected.put("neither", "spec.telemetry must state exactly one of scrape or push, got neither");
        expected.put("custom", "spec.telemetry.scrape.preset custom is not supported on Kubernetes (its metric names have"
                + " no place in the InferenceApp): use one of " + presets + ", push, or an agent config file");
        expected.put("no-preset", "spec.telemetry.scrape.preset must be one of " + presets + ", got none");
        expected.put("unknown-preset", "spec.telemetry.scrape.preset must be one of " + presets + ", got \"prometheus\"");
        expected.put("no-port", "spec.telemetry.scrape.port must be a whole number from 1 to 65535, got none");
        expected.put("port-zero", "spec.telemetry.scrape.port must be a whole number from 1 to 65535, got 0");
        expected.put("port-high", "spec.telemetry.scrape.port must be a whole number from 1 to 65535, got 65536");
        expected.put("port-text", "spec.telemetry.scrape.port must be a whole number from 1 to 65535, got \"8002\"");
        expected.put("port-fraction", "spec.telemetry.scrape.port must be a whole number from 1 to 65535, got 8002.5");
        expected.put("relative-path", "spec.telemetry.scrape.path must start with / and hold no spaces, got 'metrics'");
        expected.put("blank-model", "spec.telemetry.scrape.serverModel must not be blank");
        for (Map.Entry<String, String> telemetry : stated.entrySet()) {
            create(telemetry.getKey(), telemetry.getValue());
        }
        create("good", "{\"push\":{}}");

        List<dev.perch.telemetry.DecisionRecord> decisions = new ArrayList<>();
        Reconciler reconciler = Reconciler.builder(cluster, cluster, clock).catalog(ScenarioReader.defaultCatalog())
                .rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(decisions)).build();
        reconciler.reportTo(cluster);
        await(() -> {
            reconciler.pass();
            return stated.keySet().stream().allMatch(app -> unschedulable(app).isPresent())
                    && decisions.stream().anyMatch(d -> d.app().equals("good"));
        }, "every bad telemetry marked, the good app decided on");

        for (String app : stated.keySet()) {
            Condition condition = unschedulable(app).orElseThrow();
            assertEquals("True", condition.getStatus(), app);
            assertEquals("Invalid", condition.getReason(), app);
            assertEquals(expected.get(app), condition.getMessage(), app);
            assertEquals(1, condition.getMessage().lines().count());
        }
        assertEquals(List.of("good"), cluster.snapshot().apps().stream().map(a -> a.app()).toList());
        assertEquals("place", decisions.stream().filter(d -> d.app().equals("good")).findFirst().orElseThrow().action());
    }

    private void pod(String name, String app, String accelerator, String ip, boolean ready) {
        KubernetesFixtures.pod(client, name, app, accelerator, ip, ready);
    }

    @Test
    void theAppsRecordCarriesTheTelemetryAndThePodIpAndANewIpIsANewRecord() {
        create("cam", "{\"scrape\":{\"preset\":\"triton\",\"port\":8002,\"serverModel\":\"mobilenet_v2_tflite\"}}");
        create("coral", "{\"push\":{}}");
        List<AppRecord> records = new ArrayList<>();
        Reconciler reconciler = Reconciler.builder(cluster, cluster, clock).catalog(ScenarioReader.defaultCatalog())
                .rates(new LiveRates()).outputs(new RecordingOutputs(null, records, null)).build();
        reconciler.reportTo(cluster);
        await(() -> {
            reconciler.pass();
            return cluster.snapshot().apps().stream().allMatch(a -> a.accelerator().isPresent());
        }, "both placed");
        String accelerator = cluster.snapshot().app("cam").orElseThrow().accelerator().orElseThrow();
        reconciler.pass();
        AppRecord before = last(records, "cam");
        assertEquals(new AppRecord.Scrape("triton", 8002, "/metrics", "mobilenet_v2_tflite", null),
                before.telemetry().scrape(), "no pod yet: no address, so the agent scrapes nothing");
        assertEquals(AppRecord.Telemetry.pushed(), last(records, "coral").telemetry());

        pod("cam-a", "cam", accelerator, "10.42.0.7", true);
        pod("cam-elsewhere", "cam", "nowhere-1/gpu0", "10.42.9.9", true);
        AppRecord withIp = passUntil(reconciler, records, "10.42.0.7");
        assertEquals(accelerator, withIp.accelerator());
        assertEquals(ObjectNames.nodeOf(accelerator), withIp.node());
        assertEquals("http://10.42.0.7:8002/metrics", withIp.telemetry().scrape().url());
        int written = records.size();
        reconciler.pass();
        assertEquals(written, records.size(), "nothing new, nothing written");

        // The pod restarts elsewhere on the node's network: a new pod, not yet ready, beside the old one
        // being deleted; then only the new one.
        pod("cam-b", "cam", accelerator, "10.42.0.19", false);
        reconciler.pass();
        assertEquals("10.42.0.7", last(records, "cam").telemetry().scrape().podIp(), "the ready pod is the one served");
        client.pods().inNamespace(NS).withName("cam-a").delete();
        AppRecord moved = passUntil(reconciler, records, "10.42.0.19");
        assertEquals(withIp.accelerator(), moved.accelerator());
        assertTrue(records.size() > written, "a new record followed the new IP");
    }

    private Optional<Condition> reportingOf(String app) {
        InferenceApp read = client.resources(InferenceApp.class).inNamespace(NS).withName(app).get();
        return read.getStatus() == null ? Optional.empty() : Conditions.find(read.getStatus().getConditions(),
                InferenceAppStatus.REPORTING);
    }

    @Test
    void reportingTurnsFalseAfterAMinuteWithoutTelemetryAndTrueWhenItComesBack() {
        create("cam", "{\"push\":{}}");
        Reconciler reconciler = Reconciler.builder(cluster, cluster, clock).catalog(ScenarioReader.defaultCatalog())
                .rates(new LiveRates()).telemetrySilence(Duration.ofSeconds(60)).build();
        reconciler.reportTo(cluster);
        await(() -> {
            reconciler.pass();
            return cluster.snapshot().app("cam").flatMap(a -> a.accelerator()).isPresent();
        }, "placed");
        String accelerator = cluster.snapshot().app("cam").orElseThrow().accelerator().orElseThrow();
        reconciler.pass();
        assertTrue(reportingOf("cam").isEmpty(), "just placed: not yet called silent");

        nowMs.addAndGet(60_000);
        await(() -> {
            reconciler.pass();
            return reportingOf("cam").isPresent();
        }, "Reporting written");
        Condition silent = reportingOf("cam").orElseThrow();
        assertEquals("False", silent.getStatus());
        assertEquals("NoTelemetry", silent.getReason());
        assertTrue(silent.getMessage().matches("no telemetry for the app in the 6\\d s since Perch saw it placed"),
                silent.getMessage());
        assertTrue(client.v1().events().inNamespace(NS).list().getItems().stream()
                .anyMatch(e -> "NoTelemetry".equals(e.getReason())), "an Event says so too");

        nowMs.addAndGet(5_000);
        reconciler.observe(new PredictionRecord(PredictionRecord.SCHEMA, accelerator, "edgetpu",
                ObjectNames.nodeOf(accelerator), nowMs.get() - 1000, nowMs.get(), 0.1, true, null,
                List.of(PredictionRecord.AppPrediction.builder().app("cam").model("mobilenet_v2").ratePerSec(5).build())));
        await(() -> {
            reconciler.pass();
            return reportingOf("cam").filter(c -> "True".equals(c.getStatus())).isPresent();
        }, "Reporting back to True");
        assertEquals("TelemetryReceived", reportingOf("cam").orElseThrow().getReason());

        nowMs.addAndGet(61_000);
        await(() -> {
            reconciler.pass();
            return reportingOf("cam").filter(c -> "False".equals(c.getStatus())).isPresent();
        }, "silent again");
        assertEquals("no telemetry for the app for 61 s (the last window ended " + java.time.Instant.ofEpochMilli(
                nowMs.get() - 61_000) + ")", reportingOf("cam").orElseThrow().getMessage());
    }

    private AppRecord passUntil(Reconciler reconciler, List<AppRecord> records, String ip) {
        await(() -> {
            reconciler.pass();
            return ip.equals(last(records, "cam").telemetry().scrape().podIp());
        }, "a record with " + ip);
        return last(records, "cam");
    }

    private static AppRecord last(List<AppRecord> records, String app) {
        AppRecord last = null;
        for (AppRecord record : records) {
            if (record.app().equals(app)) {
                last = record;
            }
        }
        return last;
    }
}
