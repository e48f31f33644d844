package dev.perch.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.runtime.KafkaClientSecurity;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import static dev.perch.kubernetes.DeployManifestsTest.documents;
import static dev.perch.kubernetes.DeployManifestsTest.manifests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The controller and the agent reach Kafka over SASL_SSL with SCRAM-SHA-512 as their own Strimzi
 * KafkaUsers ({@code perch}, {@code perch-agent}), trusting the cluster CA of Strimzi's Secret
 * {@code perch-kafka-cluster-ca-cert}; credentials come from Secrets only — never a literal value, a
 * ConfigMap or {@code envFrom}. What their environment gives is read by Perch's own reading of it
 * ({@link KafkaClientSecurity}), with the Secret's value as Strimzi's User Operator writes it.
 */
class KafkaCredentialsManifestTest {
    private static final Path CONTROLLER = Path.of("deploy/base/deployment.yaml");
    private static final Path AGENT = Path.of("deploy/base/agent-daemonset.yaml");
    private static final String CA_SECRET = "perch-kafka-cluster-ca-cert";

    @Test
    void theControllerConnectsAsKafkaUserPerch() throws Exception {
        assertConnectsAs(workload(CONTROLLER, "Deployment"), "perch");
    }

    @Test
    void theAgentConnectsAsKafkaUserPerchAgent() throws Exception {
        assertConnectsAs(workload(AGENT, "DaemonSet"), "perch-agent");
    }

    @Test
    void noManifestCarriesACredential() throws Exception {
        for (Path file : manifests()) {
            for (JsonNode doc : documents(file)) {
                if ("ConfigMap".equals(doc.path("kind").asText())) {
                    String data = doc.path("data").toString().toLowerCase(Locale.ROOT);
                    for (String word : List.of("password", "jaas", "sasl", "begin certificate", "private key")) {
                        assertFalse(data.contains(word), file + ": ConfigMap " + doc.at("/metadata/name") + " holds '" + word + "'");
                    }
                }
                for (JsonNode container : doc.at("/spec/template/spec/containers")) {
                    assertTrue(container.path("envFrom").isMissingNode(), file + ": envFrom could bring settings from a ConfigMap");
                    for (JsonNode env : container.path("env")) {
                        String name = env.path("name").asText();
                        assertTrue(env.at("/valueFrom/configMapKeyRef").isMissingNode(), file + ": " + name + " from a ConfigMap");
                        if (name.matches(".*(PASSWORD|JAAS|SECRET|TOKEN|_KEY$).*")) {
                            assertTrue(env.path("value").isMissingNode(), file + ": " + name + " written in the manifest");
                            assertFalse(env.at("/valueFrom/secretKeyRef/name").asText().isEmpty(), file + ": " + name + " not from a Secret");
                        }
                    }
                }
            }
        }
    }

    private static void assertConnectsAs(JsonNode workload, String kafkaUser) {
        JsonNode pod = workload.at("/spec/template/spec");
        JsonNode container = pod.at("/containers/0");
        JsonNode jaas = env(container, "KAFKA_SASL_JAAS_CONFIG");
        assertEquals(kafkaUser, jaas.at("/valueFrom/secretKeyRef/name").asText(), "the User Operator's Secret of KafkaUser " + kafkaUser);
        assertEquals("sasl.jaas.config", jaas.at("/valueFrom/secretKeyRef/key").asText());

        // The truststore is a file of the CA Secret's ca.crt, mounted read-only.
        String truststore = env(container, "KAFKA_SSL_TRUSTSTORE_LOCATION").path("value").asText();
        JsonNode mount = null;
        for (JsonNode m : container.path("volumeMounts")) {
            if (truststore.startsWith(m.path("mountPath").asText() + "/")) {
                mount = m;
            }
        }
        assertTrue(mount != null && mount.path("readOnly").asBoolean(), "the truststore " + truststore + " is on a read-only mount");
        JsonNode volume = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(mount.path("name").asText())) {
                volume = v;
            }
        }
        assertTrue(volume != null, "no volume " + mount.path("name"));
        assertEquals(CA_SECRET, volume.at("/secret/secretName").asText());
        String file = truststore.substring(mount.path("mountPath").asText().length() + 1);
        boolean caCrt = false;
        for (JsonNode item : volume.at("/secret/items")) {
            caCrt |= "ca.crt".equals(item.path("key").asText()) && file.equals(item.path("path").asText());
        }
        assertTrue(caCrt, truststore + " is the Secret's ca.crt");

        // What Perch makes of this environment, with the Secret's value as Strimzi writes it.
        Map<String, String> environment = new HashMap<>();
        for (JsonNode e : container.path("env")) {
            if (e.has("value")) {
                environment.put(e.path("name").asText(), e.path("value").asText());
            }
        }
        environment.put("KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + kafkaUser + "\" password=\"generated\";");
        KafkaClientSecurity security = KafkaClientSecurity.fromEnvironment(new Properties(), environment);
        assertEquals("SASL_SSL, SCRAM-SHA-512, user " + kafkaUser + ", trusting " + truststore, security.describe());
        assertEquals("PEM", security.settings().get("ssl.truststore.type"));
        assertTrue(security.problem().isEmpty(), security.problem().orElse(""));
    }

    private static JsonNode workload(Path file, String kind) throws Exception {
        for (JsonNode doc : documents(file)) {
            if (kind.equals(doc.path("kind").asText())) {
                return doc;
            }
        }
        return fail(file + " has no " + kind);
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return e;
            }
        }
        return fail("no env " + name);
    }
}
