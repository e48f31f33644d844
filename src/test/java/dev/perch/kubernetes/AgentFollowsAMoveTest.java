package dev.perch.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.agent.Agent;
import dev.perch.agent.AgentConfig;
import dev.perch.agent.AgentMetrics;
import dev.perch.agent.PushSettings;
import dev.perch.agent.WindowSink;
import dev.perch.cluster.PlanStep;
import dev.perch.controller.ControllerOutputs;
import dev.perch.controller.LiveRates;
import dev.perch.controller.Reconciler;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.runtime.AgentLaunch;
import dev.perch.runtime.EmbeddedKafka;
import dev.perch.runtime.Pipeline;
import dev.perch.runtime.TopicAdmin;
import dev.perch.sim.SimClock;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node agents of a cluster, as the DaemonSet runs them ({@code followApps: true}, one per node),
 * following an app's move without a restart: the controller on the mock API server places the apps
 * and publishes its app records to a real broker; each agent reads them and carries the apps of its
 * node — pushes accepted for the pushing app on its node only, the scraped app's pod scraped at its
 * IP — and after Perch moves both apps to other nodes, the same agents (started once, never again)
 * carry them there.
 */
@EnableKubernetesMockClient(crud = true)
class AgentFollowsAMoveTest {
    KubernetesClient client;
    private final SimClock clock = new SimClock(System::currentTimeMillis);
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<TelemetryReport> published = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Agent> agents = new LinkedHashMap<>();
    private EmbeddedKafka broker;
    private KafkaProducer<String, byte[]> producer;
    private KubernetesCluster cluster;
    private Reconciler reconciler;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedKafka.start(0, null);
        TopicAdmin.ensureTopics(broker.bootstrapServers());
        producer = Pipeline.telemetryProducer(broker.bootstrapServers(), "controller-test", 0);
        for (String[] node : new String[][]{{"pi-1", "edgetpu"}, {"pi-2", "edgetpu"}, {"nano-1", "gpu"}, {"nano-2", "gpu"}}) {
            KubernetesFixtures.acceleratorNode(client, node[0], node[1]);
        }
        cluster = KubernetesFixtures.syncedCluster(client, clock);
        reconciler = Reconciler.builder(cluster, cluster, clock).catalog(ScenarioReader.defaultCatalog())
                .rates(new LiveRates()).outputs(new ToKafka()).build();
        for (String node : List.of("pi-1", "pi-2", "nano-1", "nano-2")) {
            AgentConfig config = new AgentConfig(node, 1, List.of(), new PushSettings(0, "127.0.0.1", 1 << 20, null, 500, List.of()),
                    true);
            agents.put(node, AgentLaunch.start(config, new Collecting(), new AgentMetrics(), System::currentTimeMillis,
                    broker.bootstrapServers(), Map.of()));
        }
    }

    /** The controller's records to their topics, keyed as the Kafka outputs key them. */
    private final class ToKafka implements ControllerOutputs {
        @Override
        public void decision(DecisionRecord decision) {
        }

        @Override
        public void app(AppRecord app) {
            producer.send(new ProducerRecord<>(Topics.APPS, app.app(), Json.writeBytes(app)));
        }

        @Override
        public void inventory(InventoryRecord node) {
            producer.send(new ProducerRecord<>(Topics.INVENTORY, node.node(), Json.writeBytes(node)));
        }
    }

    private final class Collecting implements WindowSink {
        @Override
        public void accept(TelemetryReport report) {
            published.add(report);
        }

        @Override
        public void close() {
        }
    }

    @AfterEach
    void stop() {
        agents.values().forEach(Agent::close);
        if (cluster != null) {
            cluster.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private void create(String name, String model, String telemetryJson) {
        client.resources(InferenceApp.class).inNamespace(NS).resource(app(name, model, 400.0)).create();
        client.resources(InferenceApp.class).inNamespace(NS).withName(name).patch(PatchContext.of(PatchType.JSON),
                "[{\"op\":\"add\",\"path\":\"/spec/telemetry\",\"value\":" + telemetryJson + "}]");
    }

    private String acceleratorOf(String app) {
        return cluster.snapshot().app(app).flatMap(a -> a.accelerator()).orElseThrow();
    }

    /** Posts one request of {@code app} completed just now to the agent on {@code node}; the HTTP status. */
    private int push(String node, String app) throws IOException, InterruptedException {
        long now = System.currentTimeMillis();
        String body = "{\"app\":\"" + app + "\",\"model\":\"mobilenet_v2\",\"arrivalMs\":" + (now - 30)
                + ",\"serviceStartMs\":" + (now - 10) + ",\"completionMs\":" + now + "}";
        var address = agents.get(node).address();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/v1/requests"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The agent's health page on {@code node}. */
    private JsonNode health(String node) {
        try {
            var address = agents.get(node).address();
            return Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort()
                    + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The endpoints the agent on {@code node} scrapes, from its health page. */
    private List<String> scraped(String node) {
        List<String> urls = new ArrayList<>();
        health(node).path("targets").forEach((JsonNode t) -> urls.add(t.path("url").asText()));
        return urls;
    }

    private boolean pushAccepted(String node) {
        try {
            return push(node, "coral") == 200;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static String nodeOf(String accelerator) {
        return ObjectNames.nodeOf(accelerator);
    }

    private static String other(String node) {
        return Map.of("pi-1", "pi-2", "pi-2", "pi-1", "nano-1", "nano-2", "nano-2", "nano-1").get(node);
    }

    @Test
    void theSameAgentsCarryBothAppsOnTheirNewNodesAfterPerchMovesThem() throws Exception {
        create("coral", "mobilenet_v2", "{\"push\":{}}");
        create("cam", "resnet_50", "{\"scrape\":{\"preset\":\"triton\",\"port\":8002,\"serverModel\":\"resnet50_onnx\"}}");
        reconciler.reportTo(cluster);
        await(() -> {
            reconciler.pass();
            return cluster.snapshot().apps().size() == 2 && cluster.snapshot().apps().stream().allMatch(a -> a.accelerator().isPresent());
        }, "both placed");
        String coralFrom = acceleratorOf("coral");
        String camFrom = acceleratorOf("cam");
        assertTrue(camFrom.startsWith("nano-"), "resnet_50 on a GPU: " + camFrom);
        KubernetesFixtures.pod(client, "cam-a", "cam", camFrom, "10.42.0.7", true);

        await(() -> {
            reconciler.pass();
            return pushAccepted(nodeOf(coralFrom)) && scraped(nodeOf(camFrom)).equals(List.of("http://10.42.0.7:8002/metrics"));
        }, "the agents on the apps' nodes carry them");
        assertEquals(400, push(other(nodeOf(coralFrom)), "coral"), "the other agent does not take coral's requests");
        assertEquals(List.of(), scraped(other(nodeOf(camFrom))));

        String coralTo = other(nodeOf(coralFrom)) + "/tpu0";
        String camTo = other(nodeOf(camFrom)) + "/gpu0";
        cluster.apply(new PlanStep.Move("coral", coralFrom, coralTo));
        cluster.apply(new PlanStep.Move("cam", camFrom, camTo));
        await(() -> {
            reconciler.pass();
            return pushAccepted(nodeOf(coralTo));
        }, "coral's new node's agent takes its requests once the move has started");
        await(() -> {
            reconciler.pass();
            return health(nodeOf(camTo)).path("waiting").has("cam");
        }, "cam's new node's agent knows of it");
        assertEquals(List.of(), scraped(nodeOf(camTo)), "cam's new pod has no IP yet: nothing to scrape there");
        assertEquals("its pod on " + camTo + " has no IP yet", health(nodeOf(camTo)).at("/waiting/cam").asText(),
                "and its health page says why");
        KubernetesFixtures.pod(client, "cam-b", "cam", camTo, "10.42.1.8", true);
        await(() -> {
            reconciler.pass();
            return scraped(nodeOf(camTo)).equals(List.of("http://10.42.1.8:8002/metrics")) && scraped(nodeOf(camFrom)).isEmpty();
        }, "cam scraped at its new pod by its new node's agent, and no longer by the old one");
        await(() -> published.stream().anyMatch(r -> r.app().equals("coral") && r.accelerator().equals(coralTo)
                && r.requests() > 0), "a window of coral's requests on its new accelerator, from its new node's agent");
    }
}
