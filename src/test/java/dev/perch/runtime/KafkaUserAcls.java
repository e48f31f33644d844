package dev.perch.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.perch.ApplicationProperties;
import dev.perch.cli.PerchMain;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.TopologyDescription;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka ACLs Perch's two KafkaUsers need, derived — not listed: the topics each process writes
 * and reads from {@code topology/topics.yaml} ({@code perchWriters}, {@code perchReaders}); the
 * Streams application id, its processing guarantee and the controller's consumer groups from
 * {@code application.properties} as {@code run} sees it; internal topics from the topology's own
 * description; transactional ids from the producers' settings. {@link #manifests} writes them as
 * Strimzi KafkaUsers ({@code deploy/base/kafka-users.yaml}).
 */
final class KafkaUserAcls {
    static final Path TOPICS_YAML = Path.of("topology/topics.yaml");
    static final String RUN_USER = "perch";
    static final String AGENT_USER = "perch-agent";
    /** The KafkaUser each process of topics.yaml connects as: {@code perch run} holds the topology and the controller. */
    static final Map<String, String> USER_OF_PROCESS = Map.of("topology", RUN_USER, "controller", RUN_USER, "agent", AGENT_USER);
    private static final Pattern INCOMING_TOPIC = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.topic");

    /** One allowed operation on one resource; names and operations spelled as Strimzi's KafkaUser spells them. */
    record Acl(String user, String type, String name, String pattern, String operation) {
        static final Comparator<Acl> ORDER = Comparator.comparing(Acl::user).thenComparing(a -> List.of("topic", "group",
                "transactionalId", "cluster").indexOf(a.type())).thenComparing(Acl::pattern).thenComparing(Acl::name)
                .thenComparing(Acl::operation);

        Resource resource() {
            return new Resource(user, type, name, pattern);
        }
    }

    /** A resource pattern of one user, the unit a KafkaUser's {@code acls} entry grants operations on. */
    record Resource(String user, String type, String name, String pattern) {
    }

    /** The topics one process writes and reads, by topics.yaml. */
    record Access(Set<String> writes, Set<String> reads) {
    }

    /** What each ACL is derived from, said in the generated manifest. */
    private final Map<Resource, Set<String>> reasons = new HashMap<>();
    private final Set<Acl> acls = new TreeSet<>(Acl.ORDER);

    /** topics.yaml's {@code perchWriters} and {@code perchReaders}, per process. */
    static Map<String, Access> contract() throws IOException {
        Map<String, Access> access = new TreeMap<>();
        USER_OF_PROCESS.keySet().forEach(p -> access.put(p, new Access(new TreeSet<>(), new TreeSet<>())));
        for (JsonNode topic : new ObjectMapper(new YAMLFactory()).readTree(TOPICS_YAML.toFile()).get("topics")) {
            String name = topic.get("name").asText();
            for (String field : List.of("perchWriters", "perchReaders")) {
                if (!topic.path(field).isArray()) {
                    throw new IllegalStateException("topics.yaml: " + name + " has no list " + field);
                }
                for (JsonNode process : topic.get(field)) {
                    Access of = access.get(process.asText());
                    if (of == null) {
                        throw new IllegalStateException("topics.yaml: " + name + " names an unknown process " + process);
                    }
                    (field.equals("perchWriters") ? of.writes() : of.reads()).add(name);
                }
            }
        }
        return access;
    }

    /**
     * application.properties as {@code perch run} reads it: the prod profile over the defaults, and
     * the consumer settings {@code run} sets ({@link PerchMain#RUN_CONSUMERS}) over both.
     */
    static Map<String, String> runProperties() {
        Properties file = ApplicationProperties.load();
        Map<String, String> effective = new TreeMap<>();
        file.stringPropertyNames().stream().filter(k -> !k.startsWith("%")).forEach(k -> effective.put(k, file.getProperty(k)));
        file.stringPropertyNames().stream().filter(k -> k.startsWith("%prod."))
                .forEach(k -> effective.put(k.substring("%prod.".length()), file.getProperty(k)));
        effective.putAll(PerchMain.RUN_CONSUMERS);
        return effective;
    }

    /** The controller's SmallRye channels that read Kafka: channel → topic. */
    static Map<String, String> incomingTopics(Map<String, String> properties) {
        Map<String, String> topics = new TreeMap<>();
        properties.forEach((key, value) -> {
            Matcher m = INCOMING_TOPIC.matcher(key);
            if (m.matches()) {
                topics.put(m.group(1), value);
            }
        });
        return topics;
    }

    /** The kafka.* settings every client of the application shares, as RecordSender gets them. */
    static Map<String, Object> sharedKafkaSettings(Map<String, String> properties) {
        Map<String, Object> shared = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (key.startsWith("kafka.") && !key.startsWith("kafka-streams.")) {
                shared.put(key.substring("kafka.".length()), value);
            }
        });
        return shared;
    }

    /** Every ACL the two users need, derived from the contract, the settings and the topology. */
    static KafkaUserAcls derive(Map<String, Access> contract, Map<String, String> properties, TopologyDescription topology) {
        KafkaUserAcls derived = new KafkaUserAcls();
        contract.forEach((process, access) -> {
            String user = USER_OF_PROCESS.get(process);
            access.writes().forEach(t -> derived.grant(user, "topic", t, "literal", "the " + process + " writes it",
                    "Write", "Describe"));
            access.reads().forEach(t -> derived.grant(user, "topic", t, "literal", "the " + process + " reads it",
                    "Read", "Describe"));
        });
        // TopicAdmin.ensureTopics lists the contract's topics at start-up and creates none that is listed.
        Topics.ALL.forEach(t -> derived.grantUnlessSaid(RUN_USER, "topic", t.name(), "literal",
                "run checks the contract's topics at start-up", "Describe"));

        String applicationId = required(properties, "quarkus.kafka-streams.application-id");
        derived.grant(RUN_USER, "group", applicationId, "literal", "the topology's consumer group (its application id)",
                "Read", "Describe");
        boolean repartitions = sourceTopics(topology).stream().anyMatch(t -> Topics.ALL.stream().noneMatch(c -> c.name().equals(t)));
        boolean changelogs = topology.subtopologies().stream().flatMap(s -> s.nodes().stream())
                .anyMatch(n -> n instanceof TopologyDescription.Processor p && !p.stores().isEmpty());
        if (changelogs || repartitions) {
            List<String> operations = new ArrayList<>(List.of("Create", "Describe", "Read", "Write"));
            if (repartitions) {
                operations.add("Delete"); // Streams purges repartition topics up to the committed offsets
            }
            derived.grant(RUN_USER, "topic", applicationId + "-", "prefix",
                    "the topology's internal topics (" + (repartitions ? "changelogs and repartition topics" : "changelogs of its stores")
                            + "), made by Streams", operations.toArray(String[]::new));
        }
        if (required(properties, "kafka-streams.processing.guarantee").startsWith("exactly_once")) {
            derived.grant(RUN_USER, "transactionalId", applicationId + "-", "prefix",
                    "the topology's transactions (exactly-once: <application id>-<process id>-<thread>)", "Write", "Describe");
        }

        incomingTopics(properties).keySet().forEach(channel -> {
            String group = required(properties, "mp.messaging.incoming." + channel + ".group.id");
            int variable = group.indexOf("${");
            if (variable < 0) {
                derived.grant(RUN_USER, "group", group, "literal", "the controller's " + channel + " consumer", "Read", "Describe");
            } else {
                derived.grant(RUN_USER, "group", group.substring(0, variable), "prefix",
                        "the controller's " + channel + " consumers, group " + group.substring(0, variable) + "<pod> each",
                        "Read", "Describe");
            }
        });
        Object transactionalId = RecordSender.settings(sharedKafkaSettings(properties)).get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        if (transactionalId != null) {
            derived.grant(RUN_USER, "transactionalId", transactionalId.toString(), "literal",
                    "the controller's outputs producer", "Write", "Describe");
        }
        derived.dropCovered();
        return derived;
    }

    /** Every topic a subtopology reads (global stores apart). */
    static Set<String> sourceTopics(TopologyDescription topology) {
        Set<String> topics = new TreeSet<>();
        topology.subtopologies().forEach(s -> s.nodes().forEach(n -> {
            if (n instanceof TopologyDescription.Source source) {
                topics.addAll(source.topicSet());
            }
        }));
        return topics;
    }

    private static String required(Map<String, String> properties, String key) {
        String value = properties.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("application.properties sets no " + key);
        }
        return value;
    }

    private void grant(String user, String type, String name, String pattern, String why, String... operations) {
        grantUnlessSaid(user, type, name, pattern, why, operations);
        reasons.get(new Resource(user, type, name, pattern)).add(why);
    }

    /** A grant whose reason is said only when no other grant on the resource says one. */
    private void grantUnlessSaid(String user, String type, String name, String pattern, String why, String... operations) {
        for (String operation : operations) {
            acls.add(new Acl(user, type, name, pattern, operation));
        }
        Set<String> said = reasons.computeIfAbsent(new Resource(user, type, name, pattern), r -> new LinkedHashSet<>());
        if (said.isEmpty()) {
            said.add(why);
        }
    }

    /**
     * A grant another grant of the same user makes on a prefix of its name adds nothing: left out,
     * its reason said with the broader one.
     */
    private void dropCovered() {
        for (Acl narrow : List.copyOf(acls)) {
            acls.stream().filter(broad -> !broad.equals(narrow) && broad.user().equals(narrow.user())
                            && broad.type().equals(narrow.type()) && broad.operation().equals(narrow.operation())
                            && broad.pattern().equals("prefix") && narrow.name().startsWith(broad.name())
                            && (narrow.pattern().equals("literal") || broad.name().length() < narrow.name().length()))
                    .findFirst().ifPresent(broad -> {
                        acls.remove(narrow);
                        reasons.get(broad.resource()).addAll(reasons.get(narrow.resource()));
                    });
        }
        reasons.keySet().removeIf(r -> acls.stream().noneMatch(a -> a.resource().equals(r)));
    }

    Set<Acl> acls() {
        return acls;
    }

    /** The derived ACLs as two Strimzi KafkaUsers, one entry per resource, each with why. */
    String manifests() {
        StringBuilder yaml = new StringBuilder("""
                # Generated by KafkaUserAclTest from topology/topics.yaml (perchWriters, perchReaders), application.properties
                # and the topology's description; do not edit (docs/kubernetes.md, "Kafka user and ACLs").
                # perch: `perch run` (deployment.yaml, the topology and the controller); perch-agent: `perch agent`
                # (agent-daemonset.yaml). Strimzi's User Operator makes a Secret of each name (password, sasl.jaas.config).
                """);
        for (String user : List.of(RUN_USER, AGENT_USER)) {
            yaml.append("---\n")
                    .append("apiVersion: kafka.strimzi.io/v1beta2\n")
                    .append("kind: KafkaUser\n")
                    .append("metadata:\n")
                    .append("  name: ").append(user).append('\n')
                    .append("  labels:\n")
                    .append("    strimzi.io/cluster: perch-kafka\n")
                    .append("spec:\n")
                    .append("  authentication:\n")
                    .append("    type: scram-sha-512\n")
                    .append("  authorization:\n")
                    .append("    type: simple\n")
                    .append("    acls:\n");
            Map<Resource, Set<String>> operations = new java.util.LinkedHashMap<>();
            acls.stream().filter(a -> a.user().equals(user))
                    .forEach(a -> operations.computeIfAbsent(a.resource(), r -> new TreeSet<>()).add(a.operation()));
            operations.forEach((resource, ops) -> {
                yaml.append("      # ").append(String.join("; ", reasons.get(resource))).append('\n')
                        .append("      - resource:\n")
                        .append("          type: ").append(resource.type()).append('\n');
                if (!resource.type().equals("cluster")) {
                    yaml.append("          name: ").append(resource.name()).append('\n')
                            .append("          patternType: ").append(resource.pattern()).append('\n');
                }
                yaml.append("        operations: [").append(String.join(", ", ops)).append("]\n")
                        .append("        host: \"*\"\n");
            });
        }
        return yaml.toString();
    }
}
