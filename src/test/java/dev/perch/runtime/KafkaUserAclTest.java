package dev.perch.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.perch.agent.AgentMetrics;
import dev.perch.agent.KafkaSink;
import dev.perch.controller.RecentDecisions;
import dev.perch.controller.history.LiveHistory;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.streams.PerchTopology;
import dev.perch.streams.TopologySettings;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code deploy/base/kafka-users.yaml} grants exactly the ACLs {@link KafkaUserAcls} derives — a
 * missing one and an extra one both fail — and the contract it derives them from says what the code
 * does: the topology's own description, the controller's channels and outputs, the agent's sink.
 * Regenerate the manifest with {@code mvn test -Dtest=KafkaUserAclTest -Dperch.regenerate=true}.
 */
class KafkaUserAclTest {
    static final Path COMMITTED = Path.of("deploy/base/kafka-users.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static TopologyDescription topology() {
        return PerchTopology.build(TopologySettings.defaults(ScenarioReader.defaultCatalog())).describe();
    }

    static KafkaUserAcls derived() throws Exception {
        return KafkaUserAcls.derive(KafkaUserAcls.contract(), KafkaUserAcls.runProperties(), topology());
    }

    /** Every (user, resource, pattern, operation) the committed KafkaUsers allow; fails on anything but a plain allow. */
    static Set<KafkaUserAcls.Acl> granted(Path file) throws Exception {
        Set<KafkaUserAcls.Acl> granted = new TreeSet<>(KafkaUserAcls.Acl.ORDER);
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            for (JsonNode user : YAML.readValues(parser, JsonNode.class).readAll()) {
                if (user == null || user.isNull() || user.isEmpty()) {
                    continue;
                }
                String name = user.at("/metadata/name").asText();
                assertEquals("kafka.strimzi.io/v1beta2", user.get("apiVersion").asText(), name);
                assertEquals("KafkaUser", user.get("kind").asText(), name);
                assertEquals("perch-kafka", user.at("/metadata/labels/strimzi.io~1cluster").asText(), name);
                assertEquals("scram-sha-512", user.at("/spec/authentication/type").asText(), name);
                assertEquals("simple", user.at("/spec/authorization/type").asText(), name);
                for (JsonNode acl : user.at("/spec/authorization/acls")) {
                    assertEquals("allow", acl.path("type").asText("allow"), name + ": only allow rules");
                    assertEquals("*", acl.path("host").asText(), name);
                    JsonNode resource = acl.get("resource");
                    for (JsonNode operation : acl.get("operations")) {
                        granted.add(new KafkaUserAcls.Acl(name, resource.get("type").asText(), resource.path("name").asText(""),
                                resource.path("patternType").asText("literal"), operation.asText()));
                    }
                }
            }
        }
        return granted;
    }

    @Test
    void theCommittedKafkaUsersAreTheDerivedOnes() throws Exception {
        String expected = derived().manifests();
        if (Boolean.getBoolean("perch.regenerate")) {
            Files.writeString(COMMITTED, expected);
        }
        assertEquals(expected, Files.readString(COMMITTED), "deploy/base/kafka-users.yaml is stale; regenerate it");
    }

    @Test
    void theKafkaUsersGrantExactlyTheDerivedAcls() throws Exception {
        Set<KafkaUserAcls.Acl> expected = derived().acls();
        Set<KafkaUserAcls.Acl> granted = granted(COMMITTED);
        Set<KafkaUserAcls.Acl> missing = new TreeSet<>(KafkaUserAcls.Acl.ORDER);
        missing.addAll(expected);
        missing.removeAll(granted);
        Set<KafkaUserAcls.Acl> extra = new TreeSet<>(KafkaUserAcls.Acl.ORDER);
        extra.addAll(granted);
        extra.removeAll(expected);
        assertTrue(missing.isEmpty() && extra.isEmpty(), "missing " + missing + "; extra " + extra);
        assertEquals(Set.of(KafkaUserAcls.RUN_USER, KafkaUserAcls.AGENT_USER),
                granted.stream().map(KafkaUserAcls.Acl::user).collect(Collectors.toSet()));
    }

    /** What least privilege means here, said independently of the derivation. */
    @Test
    void neitherUserMayDoMoreThanItsJob() throws Exception {
        Set<KafkaUserAcls.Acl> granted = granted(COMMITTED);
        for (KafkaUserAcls.Acl acl : granted) {
            assertFalse(Set.of("All", "Alter", "AlterConfigs", "ClusterAction").contains(acl.operation()), acl.toString());
            assertFalse(acl.name().isEmpty() || acl.name().contains("*"), "no wildcard: " + acl);
            assertFalse(acl.type().equals("cluster"), "no cluster-wide right (Kafka >= 2.8 lets an idempotent producer"
                    + " write with Write on its topic): " + acl);
            if (acl.pattern().equals("prefix")) {
                assertTrue(acl.name().endsWith("-") && acl.name().length() > "perch-".length(), "a narrow prefix: " + acl);
            }
        }
        Set<String> agent = granted.stream().filter(a -> a.user().equals(KafkaUserAcls.AGENT_USER))
                .map(a -> a.type() + " " + a.name() + " " + a.pattern() + " " + a.operation()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Set.of(
                "topic perch.telemetry.v1 literal Write", "topic perch.telemetry.v1 literal Describe",
                "topic perch.apps.v1 literal Read", "topic perch.apps.v1 literal Describe",
                "topic perch.inventory.v1 literal Read", "topic perch.inventory.v1 literal Describe")), agent,
                "the agent writes telemetry and follows placements, in no group and no transaction");
        assertTrue(granted.stream().noneMatch(a -> a.operation().equals("Create") && a.pattern().equals("literal")),
                "the contract's topics are made by Strimzi (kafka-topics.yaml), not by Perch");
        assertTrue(granted.stream().noneMatch(a -> a.operation().equals("Write")
                        && Set.of(Topics.TELEMETRY).contains(a.name()) && a.user().equals(KafkaUserAcls.RUN_USER)),
                "run reads telemetry; only the agent writes it");
    }

    @Test
    void topicsYamlSaysWhatTheTopologyReadsAndWrites() throws Exception {
        TopologyDescription topology = topology();
        Set<String> reads = new TreeSet<>(KafkaUserAcls.sourceTopics(topology));
        topology.globalStores().forEach(g -> reads.addAll(g.source().topicSet()));
        Set<String> writes = new TreeSet<>();
        topology.subtopologies().forEach(s -> s.nodes().forEach(n -> {
            if (n instanceof TopologyDescription.Sink sink) {
                writes.add(sink.topic());
            }
        }));
        KafkaUserAcls.Access contract = KafkaUserAcls.contract().get("topology");
        assertEquals(reads, contract.reads(), "topics.yaml perchReaders: topology");
        assertEquals(writes, contract.writes(), "topics.yaml perchWriters: topology");
    }

    @Test
    void topicsYamlSaysWhatTheControllerReadsAndWrites() throws Exception {
        Map<String, String> properties = KafkaUserAcls.runProperties();
        Set<String> reads = new TreeSet<>(KafkaUserAcls.incomingTopics(properties).values());
        assertTrue(properties.keySet().stream().noneMatch(k -> k.startsWith("mp.messaging.outgoing.")),
                "the controller writes through RecordSender only; an outgoing channel's topic would belong in perchWriters");
        MockProducer<String, String> producer = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
        KafkaOutputs outputs = new KafkaOutputs(new RecordSender(producer), new SimpleMeterRegistry(), new RecentDecisions(),
                new LiveHistory(10, 10, 10));
        outputs.decision(new DecisionRecord(DecisionRecord.SCHEMA, "d-1", 1, "cam-1", "none", null, null, "test", "test",
                null, false, List.of(), List.of()));
        outputs.app(new AppRecord(AppRecord.SCHEMA, "cam-1", "mobilenet_v2", 10, 100, "mean", 60, null, null, null, 1, null));
        outputs.inventory(new InventoryRecord(InventoryRecord.SCHEMA, "pi-1", 4096, 1, 1, List.of(), 1));
        Set<String> writes = producer.history().stream().map(ProducerRecord::topic).collect(Collectors.toCollection(TreeSet::new));
        KafkaUserAcls.Access contract = KafkaUserAcls.contract().get("controller");
        assertEquals(reads, contract.reads(), "topics.yaml perchReaders: controller");
        assertEquals(writes, contract.writes(), "topics.yaml perchWriters: controller");
    }

    @Test
    void topicsYamlSaysWhatTheAgentWrites() throws Exception {
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        AgentMetrics metrics = new AgentMetrics();
        try (KafkaSink sink = new KafkaSink(producer, metrics, 10)) {
            sink.accept(new TelemetryReport(TelemetryReport.SCHEMA, "pi-1", "pi-1/tpu0", "edgetpu", "cam-1", "mobilenet_v2",
                    1_000, 2_000, 1, new LatencySummary(5.0, null, null, null, null), null, null, null, null));
            for (int i = 0; i < 200 && metrics.publishedWindows() < 1; i++) {
                Thread.sleep(25);
            }
        }
        Set<String> writes = producer.history().stream().map(ProducerRecord::topic).collect(Collectors.toCollection(TreeSet::new));
        if (writes.isEmpty()) {
            fail("the sink sent nothing");
        }
        assertEquals(writes, KafkaUserAcls.contract().get("agent").writes(), "topics.yaml perchWriters: agent");
    }

    /** The kafka-acls.sh commands docs/kubernetes.md gives for a Kafka without Strimzi grant the derived ACLs, no more, no fewer. */
    @Test
    void theDocsKafkaAclsCommandsGrantTheSame() throws Exception {
        String doc = Files.readString(Path.of("docs/kubernetes.md"));
        String section = doc.substring(doc.indexOf("## Kafka user and ACLs"));
        int next = section.indexOf("\n## ");
        section = (next < 0 ? section : section.substring(0, next)).replace("\\\n", " ");
        Set<KafkaUserAcls.Acl> commanded = new TreeSet<>(KafkaUserAcls.Acl.ORDER);
        for (String command : section.lines().filter(l -> l.startsWith("kafka-acls.sh")).toList()) {
            List<String> words = List.of(command.trim().split("\\s+"));
            assertTrue(words.contains("--add"), command);
            String user = null;
            String pattern = "literal";
            List<String> operations = new ArrayList<>();
            List<String[]> resources = new ArrayList<>();
            for (int i = 0; i < words.size() - 1; i++) {
                String value = words.get(i + 1);
                switch (words.get(i)) {
                    case "--allow-principal" -> user = value.substring("User:".length());
                    case "--operation" -> operations.add(value);
                    case "--resource-pattern-type" -> pattern = value.equals("prefixed") ? "prefix" : value;
                    case "--topic" -> resources.add(new String[]{"topic", value});
                    case "--group" -> resources.add(new String[]{"group", value});
                    case "--transactional-id" -> resources.add(new String[]{"transactionalId", value});
                    default -> { }
                }
            }
            for (String[] resource : resources) {
                for (String operation : operations) {
                    commanded.add(new KafkaUserAcls.Acl(user, resource[0], resource[1], pattern, operation));
                }
            }
        }
        assertEquals(derived().acls(), commanded, "docs/kubernetes.md's kafka-acls.sh commands");
    }
}
