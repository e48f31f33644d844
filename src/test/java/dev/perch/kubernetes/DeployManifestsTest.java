package dev.perch.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.LearnedProfile;
import dev.perch.model.profile.ScenarioReader;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;
import dev.perch.sim.SimClock;
import java.util.concurrent.atomic.AtomicLong;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every manifest in {@code deploy/} parses; the RBAC grants no wildcard, and grants exactly what
 * the controller's code uses — checked by recording every request the controller's own client makes
 * to the mock API server while it places, moves, rolls back, reports invalid apps, removes apps,
 * proposes a move for approval, reads and spends its MoveApproval, keeps a learned profile in the
 * perch-catalog ConfigMap (and only there: resourceNames) and holds the leader lease; the KafkaTopics match {@code topology/topics.yaml}.
 */
@EnableKubernetesMockClient(crud = true)
class DeployManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String CONTROLLER_AGENT = "perch-controller-under-test";
    KubernetesMockServer server;
    KubernetesClient client;

    static List<JsonNode> documents(Path file) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            var iterator = YAML.readValues(parser, JsonNode.class);
            while (iterator.hasNext()) {
                JsonNode doc = iterator.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    /** Every Kubernetes manifest under {@code deploy/} (not the promtool tests of the alert rules, in a {@code tests} folder). */
    static List<Path> manifests() throws Exception {
        try (Stream<Path> files = Files.walk(Path.of("deploy"))) {
            return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !p.getParent().getFileName().toString().equals("tests")).sorted().toList();
        }
    }

    @Test
    void everyManifestParsesAndNamesItsKind() throws Exception {
        List<Path> files = manifests();
        assertTrue(files.size() >= 8, files.toString());
        for (Path file : files) {
            List<JsonNode> docs = documents(file);
            assertFalse(docs.isEmpty(), file + " is empty");
            for (JsonNode doc : docs) {
                assertTrue(doc.hasNonNull("apiVersion") && doc.hasNonNull("kind"), file + ": a document without apiVersion/kind");
            }
        }
        for (Path kustomization : files.stream().filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList()) {
            for (JsonNode resource : documents(kustomization).get(0).path("resources")) {
                assertTrue(Files.exists(kustomization.getParent().resolve(resource.asText())), kustomization + ": " + resource);
            }
        }
    }

    @Test
    void theControllerDeploymentRunsPerchWithItsServiceAccountAndHealthProbes() throws Exception {
        JsonNode deployment = documents(Path.of("deploy/base/deployment.yaml")).get(0);
        JsonNode pod = deployment.at("/spec/template/spec");
        assertEquals("perch-controller", pod.get("serviceAccountName").asText());
        assertEquals(documents(Path.of("deploy/base/serviceaccount.yaml")).get(0).at("/metadata/name").asText(),
                pod.get("serviceAccountName").asText());
        JsonNode container = pod.get("containers").get(0);
        assertEquals("run", container.get("args").get(0).asText(), "the production subcommand");
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
    }

    @Test
    void theKafkaTopicsAreTheContractsTopics() throws Exception {
        Map<String, String> contract = new TreeMap<>();
        for (JsonNode topic : YAML.readTree(Path.of("topology/topics.yaml").toFile()).get("topics")) {
            contract.put(topic.get("name").asText(), topic.get("partitions").asInt() + " " + topic.get("cleanupPolicy").asText()
                    + ("delete".equals(topic.get("cleanupPolicy").asText()) ? " " + topic.get("retentionMs").asLong() : ""));
        }
        Map<String, String> manifests = new TreeMap<>();
        for (JsonNode doc : documents(Path.of("deploy/base/kafka-topics.yaml"))) {
            JsonNode spec = doc.get("spec");
            String cleanup = spec.get("config").get("cleanup.policy").asText();
            manifests.put(spec.get("topicName").asText(), spec.get("partitions").asInt() + " " + cleanup
                    + ("delete".equals(cleanup) ? " " + spec.get("config").get("retention.ms").asLong() : ""));
        }
        assertEquals(contract, manifests);
    }

    /** group|resource|verb for every rule of the controller's ClusterRole and Role; fails on a wildcard. */
    static Set<String> granted() throws Exception {
        return granted("perch-controller");
    }

    /**
     * group|resource|verb for every rule of the ClusterRoles and Roles of that name, with {@code @name}
     * for each of a rule's resourceNames (it grants the verb on those objects only); fails on a wildcard.
     */
    static Set<String> granted(String role) throws Exception {
        Set<String> granted = new TreeSet<>();
        for (JsonNode doc : documents(Path.of("deploy/base/rbac.yaml"))) {
            if (!doc.path("kind").asText().endsWith("Role") || !role.equals(doc.at("/metadata/name").asText())) {
                continue;
            }
            for (JsonNode rule : doc.path("rules")) {
                for (JsonNode group : rule.get("apiGroups")) {
                    for (JsonNode resource : rule.get("resources")) {
                        for (JsonNode verb : rule.get("verbs")) {
                            for (String part : List.of(group.asText(), resource.asText(), verb.asText())) {
                                assertFalse(part.contains("*"), "a wildcard in " + rule);
                            }
                            String permission = group.asText() + "|" + resource.asText() + "|" + verb.asText();
                            if (rule.has("resourceNames")) {
                                rule.get("resourceNames").forEach(name -> granted.add(permission + "@" + name.asText()));
                            } else {
                                granted.add(permission);
                            }
                        }
                    }
                }
            }
        }
        return granted;
    }

    /** The RBAC (group, resource, verb) a request needs. */
    static String permission(RecordedRequest request) {
        return permission(request, false);
    }

    /** {@link #permission(RecordedRequest)}, with {@code @name} when the request names its object (as resourceNames would). */
    static String permission(RecordedRequest request, boolean withName) {
        String[] pathAndQuery = request.getPath().split("\\?", 2);
        String query = pathAndQuery.length > 1 ? pathAndQuery[1] : "";
        String[] parts = pathAndQuery[0].replaceFirst("^/", "").split("/");
        String group;
        int rest;
        if (parts[0].equals("api")) {
            group = "";
            rest = 2;
        } else {
            group = parts[1];
            rest = 3;
        }
        List<String> tail = List.of(parts).subList(rest, parts.length);
        if (tail.size() >= 3 && tail.get(0).equals("namespaces")) {
            tail = tail.subList(2, tail.size());
        }
        String resource = tail.get(0) + (tail.size() > 2 ? "/" + tail.get(2) : "");
        boolean named = tail.size() > 1;
        String verb = switch (request.getMethod()) {
            case "GET" -> named ? "get" : query.contains("watch=true") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> request.getMethod();
        };
        return group + "|" + resource + "|" + verb + (withName && named ? "@" + tail.get(1) : "");
    }

    /** A permission without the object it names. */
    private static String unnamed(String permission) {
        return permission.replaceFirst("@.*$", "");
    }

    @Test
    void theRbacGrantsExactlyWhatTheControllerUses() throws Exception {
        for (String node : new String[]{"pi-1", "pi-2"}) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node)
                    .addToLabels(Inventory.ACCELERATOR_TYPE, "edgetpu").endMetadata()
                    .withNewStatus().addToCapacity("memory", new Quantity("4Gi")).endStatus().build()).create();
        }
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-1", "mobilenet_v2", 200.0)).create();
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-2", "mobilenet_v2", 200.0)).create();
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("bad", "mobilenet_v2", 0.0)).create();
        AtomicLong nowMs = new AtomicLong(Instant.parse("2026-11-27T00:00:00Z").toEpochMilli());
        SimClock clock = new SimClock(nowMs::get);
        KubernetesClient controller = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withUserAgent(CONTROLLER_AGENT).build()).build();
        try (KubernetesCluster cluster = new KubernetesCluster(controller, NS, ScenarioReader::defaultCatalog, 10,
                Duration.ofSeconds(120), clock);
             LeaderElection election = new LeaderElection(controller, NS, "perch-controller", "replica-a",
                     new LeaderElection.Timings(Duration.ofMillis(1000), Duration.ofMillis(800), Duration.ofMillis(100)),
                     () -> { }, () -> { })) {
            try (ConfigMapCatalog catalog = new ConfigMapCatalog(controller, NS)) {
                // A profile learned on probation: the ConfigMap created, then read and written back.
                ConfigMapLearnedProfiles learned = new ConfigMapLearnedProfiles(controller, NS, catalog);
                learned.keep(new LearnedProfile("new_net", AcceleratorType.EDGETPU, 14, 6, 55, "cam-9", "pi-1/tpu0", 900,
                        Instant.parse("2026-11-27T00:00:00Z")));
                learned.keep(new LearnedProfile("new_net", AcceleratorType.GPU, 4, 1, 300, "cam-9", "nano-1/gpu0", 900,
                        Instant.parse("2026-11-27T00:00:00Z")));
            }
            await(() -> cluster.synced() && election.isLeader(), "synced and leading");
            Thread.sleep(300); // a lease renewal or two
            await(() -> cluster.snapshot().apps().size() == 2, "apps seen; the bad one marked");
            cluster.apply(new PlanStep.Place("cam-1", "pi-1/tpu0"));
            cluster.apply(new PlanStep.Place("cam-2", "pi-1/tpu0"));
            ready("pi-1");
            await(() -> cluster.snapshot().apps().stream().allMatch(a -> a.accelerator().isPresent()), "placed");
            // cam-1 moves (switch, then source removed); cam-2's move is rolled back.
            cluster.apply(new PlanStep.Move("cam-1", "pi-1/tpu0", "pi-2/tpu0"));
            cluster.apply(new PlanStep.Move("cam-2", "pi-1/tpu0", "pi-2/tpu0"));
            await(() -> cluster.snapshot().apps().stream().allMatch(a -> a.migratingTo().isPresent()), "moving");
            client.apps().deployments().inNamespace(NS).withName("cam-1-pi-2-tpu0").editStatus(d -> {
                d.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
                return d;
            });
            nowMs.addAndGet(121_000);
            cluster.progressMoves();
            await(() -> cluster.snapshot().app("cam-1").flatMap(a -> a.accelerator()).equals(java.util.Optional.of("pi-2/tpu0"))
                    && cluster.snapshot().app("cam-2").flatMap(a -> a.migratingTo()).isEmpty(), "switched / rolled back");
            cluster.progressMoves();
            await(() -> cluster.snapshot().app("cam-1").flatMap(a -> a.migratingTo()).isEmpty(), "moved");
            await(() -> client.apps().deployments().inNamespace(NS).list().getItems().size() == 2, "source removed");
            // cam-1's owner changes its image: the next pass patches its Deployment.
            client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").edit(a -> {
                a.getSpec().setImage("registry.example.com/mobilenet_v2:2");
                return a;
            });
            await(() -> {
                cluster.keepAsDeclared();
                return "registry.example.com/mobilenet_v2:2".equals(client.apps().deployments().inNamespace(NS)
                        .withName("cam-1-pi-2-tpu0").get().getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
            }, "the new image patched into cam-1's Deployment");
            cluster.apply(new PlanStep.Remove("cam-2"));
            // Approval mode: a move proposed, its approval read and spent as the move is let through.
            KubernetesApprovals approvals = cluster.approvals();
            PlanStep.Move back = new PlanStep.Move("cam-1", "pi-2/tpu0", "pi-1/tpu0");
            approvals.propose(back, "test");
            KubernetesApprovalsTest.create(client, KubernetesApprovalsTest.approval("cam-1-back", "cam-1", "pi-2/tpu0", "pi-1/tpu0",
                    KubernetesApprovalsTest.proposal(client, "cam-1")));
            await(() -> approvals.approved(back), "the approval read");
            assertTrue(approvals.spend(back));
        } finally {
            controller.close();
        }

        Set<String> used = new TreeSet<>();
        RecordedRequest request;
        while ((request = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
            String agent = request.getHeader("User-Agent");
            if (agent != null && agent.contains(CONTROLLER_AGENT)) {
                used.add(permission(request, true));
            }
        }
        Set<String> granted = granted();
        Set<String> missing = new TreeSet<>(used);
        missing.removeIf(p -> granted.contains(p) || granted.contains(unnamed(p)));
        Set<String> unused = new TreeSet<>(granted);
        unused.removeIf(g -> used.contains(g) || used.stream().anyMatch(p -> unnamed(p).equals(g)));
        assertTrue(missing.isEmpty(), "the controller needs more than the RBAC grants: " + missing);
        assertTrue(unused.isEmpty(), "the RBAC grants what the controller never uses: " + unused);
    }

    private void ready(String node) {
        for (Deployment d : client.apps().deployments().inNamespace(NS).list().getItems()) {
            if (node.equals(d.getSpec().getTemplate().getSpec().getNodeSelector().get("kubernetes.io/hostname"))) {
                client.apps().deployments().inNamespace(NS).withName(d.getMetadata().getName()).editStatus(x -> {
                    x.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
                    return x;
                });
            }
        }
    }
}
