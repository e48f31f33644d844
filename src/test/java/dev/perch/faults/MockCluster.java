package dev.perch.faults;

import dev.perch.FreePort;
import dev.perch.kubernetes.AcceleratorKind;
import dev.perch.kubernetes.InferenceApp;
import dev.perch.kubernetes.InferenceAppStatus;
import dev.perch.kubernetes.Inventory;
import dev.perch.kubernetes.KubernetesFixtures;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The fabric8 mock API server in CRUD mode on a free port, with the kubelet it lacks played by the
 * harness: a Deployment pinned to a node that is there and Ready gets one ready replica
 * {@code readyAfterMs} after the kubelet first saw it (unless its node is held: a node whose new
 * pods do not become ready); a Deployment on a node that is gone or not Ready has none (its pod
 * lost with the node, its replacement pending on the nodeSelector).
 */
final class MockCluster implements AutoCloseable {
    static final String NS = "perch";
    private static final String HOSTNAME = "kubernetes.io/hostname";
    /** Held, so that the level set on it is not lost with a collected logger: one INFO line per request otherwise. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final int port;
    final KubernetesClient client;
    private final long readyAfterMs;
    private final Set<String> heldNodes = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> firstSeenMs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService kubelet = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "fault-kubelet");
        thread.setDaemon(true);
        return thread;
    });

    MockCluster(long readyAfterMs) throws Exception {
        this.readyAfterMs = readyAfterMs;
        this.port = FreePort.pick();
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), port);
        this.client = server.createClient();
        kubelet.scheduleWithFixedDelay(this::kubeletTick, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** Where {@code perch run} finds this API server ({@code quarkus.kubernetes-client.api-server-url}). */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A Ready 4 GiB node with one accelerator of {@code type}. */
    void node(String name, String type) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name)
                .addToLabels(Inventory.ACCELERATOR_TYPE, type).addToLabels(HOSTNAME, name).endMetadata()
                .withNewStatus().addToCapacity("memory", new Quantity("4Gi")).withConditions(ready("True")).endStatus()
                .build()).create();
    }

    /** The node's kubelet stops posting: the node controller marks it {@code Ready=Unknown}. */
    void notReady(String name) {
        client.nodes().withName(name).editStatus(node -> {
            node.getStatus().setConditions(List.of(ready("Unknown")));
            return node;
        });
    }

    void deleteNode(String name) {
        client.nodes().withName(name).delete();
    }

    /** New pods on {@code node} do not become ready until {@link #release}. */
    void hold(String node) {
        heldNodes.add(node);
    }

    void release(String node) {
        heldNodes.remove(node);
    }

    private static NodeCondition ready(String status) {
        return new NodeConditionBuilder().withType("Ready").withStatus(status).withReason("fault-suite")
                .withLastTransitionTime(Instant.now().toString()).build();
    }

    static String nodeOf(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getNodeSelector().get(HOSTNAME);
    }

    static int readyReplicas(Deployment deployment) {
        return deployment == null || deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null
                ? 0 : deployment.getStatus().getReadyReplicas();
    }

    private boolean nodeUp(Map<String, Node> nodes, String name) {
        Node node = nodes.get(name);
        return node != null && node.getStatus() != null && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private void kubeletTick() {
        try {
            Map<String, Node> nodes = new HashMap<>();
            client.nodes().list().getItems().forEach(n -> nodes.put(n.getMetadata().getName(), n));
            long now = System.currentTimeMillis();
            for (Deployment d : client.apps().deployments().inNamespace(NS).list().getItems()) {
                String name = d.getMetadata().getName();
                long seen = firstSeenMs.computeIfAbsent(d.getMetadata().getUid() == null ? name : d.getMetadata().getUid(), k -> now);
                String node = nodeOf(d);
                boolean up = nodeUp(nodes, node);
                int ready = readyReplicas(d);
                if (up && ready == 0 && !heldNodes.contains(node) && now - seen >= readyAfterMs) {
                    setReady(name, 1);
                } else if (!up && ready > 0) {
                    setReady(name, 0);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("faults: kubelet: " + e.getMessage());
        }
    }

    private void setReady(String deployment, int ready) {
        client.apps().deployments().inNamespace(NS).withName(deployment).editStatus(x -> {
            x.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(ready).withAvailableReplicas(ready).build());
            return x;
        });
    }

    /**
     * Where both controller faults start: one Edge TPU node, {@code pi-1}, holding EfficientNet-L
     * (8 req/s, 600 ms) and MobileNet-V2 (10 req/s, 200 ms, which may also go to a GPU), so that a
     * third heavy app on the Edge TPU makes the controller move MobileNet-V2 to a Jetson that joins.
     */
    void oneEdgeTpuTwoApps() {
        node("pi-1", "edgetpu");
        app("large", "efficientnet-L", 8, 600, AcceleratorKind.EDGETPU);
        app("mobile", "mobilenet_v2", 10, 200, AcceleratorKind.EDGETPU, AcceleratorKind.GPU);
    }

    /** An InferenceApp in {@link #NS} with a mean SLO: the tests' fixture, at its rate and on its accelerator types. */
    void app(String name, String model, double ratePerSec, double sloMs, AcceleratorKind... types) {
        InferenceApp app = KubernetesFixtures.app(name, model, sloMs);
        app.getMetadata().setNamespace(NS);
        app.getSpec().setExpectedRatePerSec(ratePerSec);
        app.getSpec().setAcceleratorTypes(List.of(types));
        client.resources(InferenceApp.class).inNamespace(NS).resource(app).create();
    }

    Optional<InferenceAppStatus> status(String app) {
        InferenceApp live = client.resources(InferenceApp.class).inNamespace(NS).withName(app).get();
        return Optional.ofNullable(live == null ? null : live.getStatus());
    }

    /** The accelerator the app is served on, not moving, with a ready Deployment there; empty otherwise. */
    Optional<String> servedReady(String app) {
        Optional<InferenceAppStatus> status = status(app);
        if (status.isEmpty() || status.get().getAccelerator() == null || status.get().getMigration() != null) {
            return Optional.empty();
        }
        String accelerator = status.get().getAccelerator();
        Deployment deployment = deployment(app, accelerator);
        return readyReplicas(deployment) >= 1 ? Optional.of(accelerator) : Optional.empty();
    }

    Deployment deployment(String app, String accelerator) {
        return client.apps().deployments().inNamespace(NS).withName(app + "-" + accelerator.replace('/', '-')).get();
    }

    /** Waits until {@code condition} holds; false after {@code timeoutMs}. */
    static boolean await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return true;
                }
            } catch (RuntimeException e) {
                // the API server busy or an object half-written: asked again
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Override
    public void close() {
        kubelet.shutdownNow();
        client.close();
        server.destroy();
    }
}
