package dev.perch.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.perch.agent.AgentConfig;
import dev.perch.agent.AgentConfigReader;
import dev.perch.model.profile.AcceleratorType;
import io.fabric8.kubernetes.api.model.Quantity;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.perch.kubernetes.DeployManifestsTest.documents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The node agent's DaemonSet ({@code deploy/base/agent-daemonset.yaml}) agrees with what it runs and
 * with the controller beside it, each figure checked against its own source rather than a copy: its
 * memory limit is what the controller's settings set aside on every node, its ports are its config's
 * {@code push.port}, its config is one the agent's own reader takes, it runs on the nodes the
 * Kubernetes adapter reads, from the controller's image and Kafka.
 */
class AgentDaemonSetManifestTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path AGENT = Path.of("deploy/base/agent-daemonset.yaml");

    private static JsonNode only(String kind) throws Exception {
        List<JsonNode> found = documents(AGENT).stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
        assertEquals(1, found.size(), AGENT + ": one " + kind);
        return found.get(0);
    }

    private static JsonNode agentContainer() throws Exception {
        JsonNode containers = only("DaemonSet").at("/spec/template/spec/containers");
        assertEquals(1, containers.size(), "one container");
        return containers.get(0);
    }

    private static JsonNode controllerContainer() throws Exception {
        return documents(Path.of("deploy/base/deployment.yaml")).get(0).at("/spec/template/spec/containers/0");
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return e;
            }
        }
        return fail(container.path("name").asText() + " has no env " + name);
    }

    /** The one file of the agent's ConfigMap: its key and text. */
    private static String[] agentYaml() throws Exception {
        JsonNode data = only("ConfigMap").get("data");
        assertEquals(1, data.size(), "one file in the ConfigMap: " + data);
        String key = data.fieldNames().next();
        return new String[]{key, data.get(key).asText()};
    }

    private static int pushPort() throws Exception {
        return YAML.readTree(agentYaml()[1]).at("/push/port").asInt();
    }

    /** A {@code perch.*} setting the Kubernetes adapter reads, as the controller's container gets it from its environment. */
    private static String controllerSetting(String property) throws Exception {
        Set<String> read = new TreeSet<>();
        for (Method method : KubernetesClusterProducer.class.getDeclaredMethods()) {
            for (Parameter parameter : method.getParameters()) {
                ConfigProperty annotation = parameter.getAnnotation(ConfigProperty.class);
                if (annotation != null) {
                    read.add(annotation.name());
                }
            }
        }
        assertTrue(read.contains(property), "the Kubernetes adapter reads " + property + " (it reads " + read + ")");
        // MicroProfile Config's environment names: every character that is not a letter or digit an underscore, upper case.
        String envName = property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
        return env(controllerContainer(), envName).path("value").asText();
    }

    @Test
    void theMemoryLimitIsWhatTheControllerSetsAsideOnEveryNode() throws Exception {
        assertEquals("true", controllerSetting("perch.agent.enabled"), "deploy runs the agent: the controller must know");
        double setAsideMb = Double.parseDouble(controllerSetting("perch.agent.memory-mb"));
        JsonNode resources = agentContainer().get("resources");
        Quantity limit = new Quantity(resources.at("/limits/memory").asText());
        // Inventory reads a node's memory in MiB: the agent's limit in the same unit.
        assertEquals(setAsideMb, Quantity.getAmountInBytes(limit).doubleValue() / (1024 * 1024), 1e-9,
                "perch.agent.memory-mb must equal the DaemonSet's memory limit");
        assertEquals(limit, new Quantity(resources.at("/requests/memory").asText()), "requested as limited");
        assertFalse(resources.at("/requests/cpu").isMissingNode(), "a cpu request");
        assertEquals(controllerContainer().at("/resources/limits/cpu").isMissingNode(), resources.at("/limits/cpu").isMissingNode(),
                "a cpu limit only if the controller has one");
    }

    @Test
    void thePortTheProbesAndTheHostPortAreTheConfigsPushPort() throws Exception {
        int port = pushPort();
        JsonNode container = agentContainer();
        assertEquals(1, container.get("ports").size());
        JsonNode declared = container.get("ports").get(0);
        assertEquals(port, declared.get("containerPort").asInt());
        assertEquals(port, declared.get("hostPort").asInt(), "apps on the node push to the node's IP");
        assertEquals(port, DesiredDeployment.AGENT_PUSH_PORT, "the port Perch tells the apps it runs that push");
        String name = declared.get("name").asText();
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            assertEquals(name, container.at("/" + probe + "/httpGet/port").asText(), probe);
            assertEquals("/health", container.at("/" + probe + "/httpGet/path").asText(), probe);
        }
        assertEquals("0.0.0.0", YAML.readTree(agentYaml()[1]).at("/push/bindAddress").asText(),
                "the pod's interfaces, so that the hostPort, the probes and Prometheus reach it");
        JsonNode monitor = documents(Path.of("deploy/monitoring/podmonitor-agent.yaml")).get(0);
        assertEquals(name, monitor.at("/spec/podMetricsEndpoints/0/port").asText());
        assertEquals("/metrics", monitor.at("/spec/podMetricsEndpoints/0/path").asText());
        JsonNode podLabels = only("DaemonSet").at("/spec/template/metadata/labels");
        monitor.at("/spec/selector/matchLabels").fields()
                .forEachRemaining(e -> assertEquals(e.getValue().asText(), podLabels.path(e.getKey()).asText(), e.getKey()));
        assertTrue(documents(Path.of("deploy/monitoring/kustomization.yaml")).get(0).get("resources").toString()
                .contains("podmonitor-agent.yaml"));
    }

    @Test
    void theConfigMapsConfigIsOneTheAgentsReaderTakes() throws Exception {
        String[] file = agentYaml();
        JsonNode tree = YAML.readTree(file[1]);
        assertTrue(tree.path("node").isMissingNode(), "no node in the shared config: --node gives each agent its own");
        assertTrue(tree.at("/push/token").isMissingNode(), "the push token comes from a Secret, never a ConfigMap");
        assertTrue(tree.path("followApps").asBoolean(), "the agent follows the apps Perch places on its node");
        // As `agent --node pi-1` reads it: the node given, the rest from the file.
        AgentConfig config = AgentConfigReader.parse(file[1], AGENT + ": " + file[0],
                AgentConfigReader.Overrides.of("pi-1", java.util.Map.of()));
        assertEquals("pi-1", config.node());
        assertEquals(pushPort(), config.push().port());
        assertEquals("0.0.0.0", config.push().bindAddress());
        assertEquals(tree.path("intervalSec").asInt(), config.intervalSec());
        assertTrue(config.apps().isEmpty(), "apps come from perch.apps.v1, not the file");
    }

    @Test
    void theArgumentsRunTheAgentOnTheConfigMapsFileForItsOwnNode() throws Exception {
        JsonNode container = agentContainer();
        JsonNode pod = only("DaemonSet").at("/spec/template/spec");
        List<String> args = new ArrayList<>();
        container.get("args").forEach(a -> args.add(a.asText()));
        assertTrue(container.path("command").isMissingNode(), "the image's entrypoint runs Perch; args are its arguments");
        assertEquals("agent", args.get(0), "the subcommand first");
        String configMap = only("ConfigMap").at("/metadata/name").asText();
        String volume = null;
        for (JsonNode v : pod.get("volumes")) {
            if (configMap.equals(v.at("/configMap/name").asText())) {
                volume = v.get("name").asText();
            }
        }
        String mountPath = null;
        for (JsonNode m : container.get("volumeMounts")) {
            if (m.get("name").asText().equals(volume)) {
                mountPath = m.get("mountPath").asText();
            }
        }
        assertTrue(mountPath != null, "the ConfigMap " + configMap + " is mounted");
        assertEquals(mountPath + "/" + agentYaml()[0], args.get(args.indexOf("--config") + 1));
        assertEquals("$(NODE_NAME)", args.get(args.indexOf("--node") + 1));
        assertEquals("spec.nodeName", env(container, "NODE_NAME").at("/valueFrom/fieldRef/fieldPath").asText());
    }

    @Test
    void kafkaAndTheImageAreTheControllers() throws Exception {
        assertEquals(env(controllerContainer(), "KAFKA_BOOTSTRAP_SERVERS"), env(agentContainer(), "KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals(controllerContainer().get("image"), agentContainer().get("image"));
    }

    @Test
    void thePushTokenComesFromASecretOnly() throws Exception {
        JsonNode token = env(agentContainer(), "PERCH_AGENT_PUSH_TOKEN");
        assertTrue(token.path("value").isMissingNode(), "never a literal token");
        JsonNode ref = token.at("/valueFrom/secretKeyRef");
        assertEquals("perch-agent-push", ref.path("name").asText());
        assertEquals(DesiredDeployment.AGENT_PUSH_SECRET, ref.path("name").asText(), "the Secret the pushing apps are given");
        assertEquals(DesiredDeployment.AGENT_PUSH_SECRET_KEY, ref.path("key").asText());
        assertEquals("token", ref.path("key").asText());
        assertTrue(ref.path("optional").asBoolean(), "no Secret, no token: the agent starts anyway");
    }

    @Test
    void itRunsOnTheNodesTheKubernetesAdapterReads() throws Exception {
        JsonNode terms = only("DaemonSet").at("/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms");
        assertEquals(1, terms.size());
        JsonNode expressions = terms.get(0).get("matchExpressions");
        assertEquals(1, expressions.size());
        JsonNode expression = expressions.get(0);
        assertEquals(Inventory.ACCELERATOR_TYPE, expression.get("key").asText());
        assertEquals("In", expression.get("operator").asText());
        Set<String> values = new TreeSet<>();
        expression.get("values").forEach(v -> values.add(v.asText()));
        assertEquals(Arrays.stream(AcceleratorType.values()).map(AcceleratorType::id).collect(Collectors.toCollection(TreeSet::new)),
                values, "every accelerator type Inventory takes, and only those");
    }

    @Test
    void itRunsLockedDownWithoutKubernetesApiAccess() throws Exception {
        JsonNode daemonSet = only("DaemonSet");
        JsonNode pod = daemonSet.at("/spec/template/spec");
        JsonNode account = only("ServiceAccount");
        assertEquals(account.at("/metadata/name").asText(), pod.get("serviceAccountName").asText());
        assertFalse(account.get("automountServiceAccountToken").asBoolean(true));
        assertFalse(pod.get("automountServiceAccountToken").asBoolean(true));
        for (JsonNode binding : documents(Path.of("deploy/base/rbac.yaml"))) {
            binding.path("subjects").forEach(s -> assertFalse(s.path("name").asText().equals(account.at("/metadata/name").asText()),
                    "the agent needs no RBAC: " + binding.at("/metadata/name")));
        }
        assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
        assertEquals("RuntimeDefault", pod.at("/securityContext/seccompProfile/type").asText());
        JsonNode security = agentContainer().get("securityContext");
        assertTrue(security.get("readOnlyRootFilesystem").asBoolean());
        assertFalse(security.get("allowPrivilegeEscalation").asBoolean(true));
        assertEquals("[\"ALL\"]", security.at("/capabilities/drop").toString());
        assertEquals("RollingUpdate", daemonSet.at("/spec/updateStrategy/type").asText());
        assertEquals(1, daemonSet.at("/spec/updateStrategy/rollingUpdate/maxUnavailable").asInt());
        assertTrue(documents(Path.of("deploy/base/kustomization.yaml")).get(0).get("resources").toString()
                .contains(AGENT.getFileName().toString()));
    }
}
