package dev.perch.runtime;

import dev.perch.agent.Agent;
import dev.perch.agent.AgentConfig;
import dev.perch.agent.AgentMetrics;
import dev.perch.agent.KafkaSink;
import dev.perch.agent.PushSettings;
import dev.perch.bench.TopologyInstance;
import dev.perch.controller.RecentDecisions;
import dev.perch.controller.history.LiveHistory;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.streams.PerchTopology;
import dev.perch.streams.TopologySettings;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.MeanSummary;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The derived ACLs are enough: a broker with Kafka's own authorizer, holding exactly the ACLs of
 * {@link KafkaUserAcls} and nothing else, runs Perch's clients as the two users — {@code run}'s topic
 * check, the topology under exactly-once, the controller's outputs producer and its consumer groups
 * (configured from application.properties), and the node agent as the DaemonSet runs it (following
 * the placements, publishing windows) — from telemetry in to a prediction out; and it refuses what
 * the agent has no ACL for. Users are told apart by listener
 * ({@link ListenerPrincipalBuilder}); the admin, on a listener of its own, is the super user who
 * makes the topics, as Strimzi would.
 */
class KafkaUserAclEnforcedTest {
    private static final String ACCELERATOR = "pi-1/tpu0";

    @TempDir
    Path dir;

    @Test
    void perchRunsAsItsTwoUsersWithExactlyTheDerivedAcls() throws Exception {
        int[] ports = EmbeddedKafka.freePorts(4, 0);
        int admin = ports[0];
        int perch = ports[1];
        int agent = ports[2];
        int controller = ports[3];
        KafkaRaftServer broker = startBroker(admin, perch, agent, controller);
        List<AutoCloseable> open = new ArrayList<>();
        try {
            KafkaUserAcls derived = KafkaUserAclTest.derived();
            try (Admin superUser = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + admin))) {
                superUser.createTopics(Topics.ALL.stream().map(t -> new NewTopic(t.name(), t.partitions(), (short) 1)
                        .configs(t.configs())).toList()).all().get();
                superUser.createAcls(derived.acls().stream().map(KafkaUserAclEnforcedTest::binding).toList()).all().get();
                await(() -> superUser.describeAcls(AclBindingFilter.ANY).values().get().size() == derived.acls().size(),
                        "the ACLs in force");
            }
            String perchServers = "127.0.0.1:" + perch;
            String agentServers = "127.0.0.1:" + agent;

            // run: the topic check at start-up, the topology, the controller's outputs and consumers.
            assertTrue(TopicAdmin.ensureTopics(perchServers, Topics.DEFAULT_TELEMETRY_PARTITIONS).isEmpty());
            Map<String, String> properties = KafkaUserAcls.runProperties();
            KafkaStreams streams = new KafkaStreams(PerchTopology.build(TopologySettings.defaults(ScenarioReader.defaultCatalog())),
                    TopologyInstance.properties(perchServers, properties.get("quarkus.kafka-streams.application-id"),
                            dir.resolve("state").toString()));
            AtomicReference<Throwable> streamsFailure = new AtomicReference<>();
            streams.setUncaughtExceptionHandler(e -> {
                streamsFailure.compareAndSet(null, e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            open.add(streams::close);
            streams.start();
            await(() -> streams.state() == KafkaStreams.State.RUNNING || streamsFailure.get() != null, "the topology running");
            assertNull(streamsFailure.get(), () -> "the topology failed: " + streamsFailure.get());

            RecordSender sender = RecordSender.create(Map.of("bootstrap.servers", perchServers));
            open.add(sender);
            KafkaOutputs outputs = new KafkaOutputs(sender, new SimpleMeterRegistry(), new RecentDecisions(), new LiveHistory(10, 10, 10));
            long nowMs = System.currentTimeMillis();
            outputs.inventory(new InventoryRecord(InventoryRecord.SCHEMA, "pi-1", 4096, 1, 1,
                    List.of(new InventoryRecord.Entry(ACCELERATOR, "edgetpu")), nowMs));
            outputs.app(new AppRecord(AppRecord.SCHEMA, "cam-1", "mobilenet_v2", 5.0, 100, "mean", 10, "pi-1", ACCELERATOR,
                    null, nowMs, AppRecord.Telemetry.pushed()));
            outputs.decision(new DecisionRecord(DecisionRecord.SCHEMA, "d-1", nowMs, "cam-1", "none", null, null, "test",
                    "test", null, false, List.of(), List.of()));
            sender.flush();
            assertTrue(sender.failure().isEmpty(), () -> "the controller's outputs: " + sender.failure());

            Map<String, KafkaConsumer<String, String>> controllerConsumers = new java.util.TreeMap<>();
            KafkaUserAcls.incomingTopics(properties).forEach((channel, topic) -> {
                KafkaConsumer<String, String> consumer = controllerConsumer(perchServers, properties, channel);
                consumer.subscribe(List.of(topic));
                controllerConsumers.put(topic, consumer);
                open.add(consumer);
            });

            // perch agent, as the DaemonSet runs it: it follows the placements, and publishes the windows of the app placed on it.
            AgentMetrics agentMetrics = new AgentMetrics();
            KafkaSink sink = new KafkaSink(Pipeline.telemetryProducer(agentServers, "perch-agent-pi-1", 5), agentMetrics, 100);
            Agent agentProcess = AgentLaunch.start(new AgentConfig("pi-1", 1, List.of(),
                            new PushSettings(0, "127.0.0.1", 1 << 20, null, 500, List.of()), true), sink, agentMetrics,
                    System::currentTimeMillis, agentServers, Map.of());
            open.add(agentProcess);
            // It takes pushes for an app once it carries it (an unknown app's are refused with a 400).
            HttpClient http = HttpClient.newHttpClient();
            URI push = URI.create("http://127.0.0.1:" + agentProcess.address().getPort() + "/v1/requests");
            await(() -> {
                long atMs = System.currentTimeMillis();
                String pushed = "{\"app\":\"cam-1\",\"model\":\"mobilenet_v2\",\"arrivalMs\":" + (atMs - 20)
                        + ",\"completionMs\":" + atMs + "}";
                return http.send(HttpRequest.newBuilder(push).POST(HttpRequest.BodyPublishers.ofString(pushed)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
            }, "the agent following the placements: taking cam-1's pushes");
            long firstStartMs = System.currentTimeMillis() / 1000 * 1000 - 30_000;
            for (int w = 0; w < 5; w++) {
                long startMs = firstStartMs + w * 1000L;
                sink.accept(new TelemetryReport(TelemetryReport.SCHEMA, "pi-1", ACCELERATOR, "edgetpu", "cam-1", "mobilenet_v2",
                        startMs, startMs + 1000, 5, new LatencySummary(20.0, 18.0, 30.0, 33.0, 36.0), new MeanSummary(5.0),
                        new MeanSummary(15.0), 0L));
            }
            await(() -> agentMetrics.publishedWindows() >= 5, "the agent's windows published");
            try (KafkaProducer<String, byte[]> asAgent = Pipeline.telemetryProducer(agentServers, "perch-agent-rogue", 0)) {
                ExecutionException refused = assertThrows(ExecutionException.class, () -> asAgent.send(
                        new ProducerRecord<>(Topics.APPS, "cam-1", "{}".getBytes(StandardCharsets.UTF_8))).get(),
                        "the agent may not write placements");
                assertInstanceOf(TopicAuthorizationException.class, refused.getCause());
            }

            KafkaConsumer<String, String> predictions = controllerConsumers.get(Topics.PREDICTIONS);
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            await(() -> {
                predictions.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.stream().anyMatch(r -> r.key().equals(ACCELERATOR));
            }, "a prediction for " + ACCELERATOR + " at the controller");
            predictions.commitSync();
            KafkaConsumer<String, String> alerts = controllerConsumers.get(Topics.ALERTS);
            await(() -> {
                alerts.poll(Duration.ofMillis(200));
                return !alerts.assignment().isEmpty();
            }, "the alerts consumer in its group");
            assertNull(streamsFailure.get(), () -> "the topology failed: " + streamsFailure.get());
            assertEquals(KafkaStreams.State.RUNNING, streams.state());
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
            broker.shutdown();
            broker.awaitShutdown();
        }
    }

    /** One of the controller's consumers as application.properties configures its channel, in a pod named pod-0. */
    private static KafkaConsumer<String, String> controllerConsumer(String servers, Map<String, String> properties, String channel) {
        Properties settings = new Properties();
        String prefix = "mp.messaging.incoming." + channel + ".";
        for (String key : List.of("group.id", "group.instance.id", "isolation.level", "auto.offset.reset")) {
            String value = properties.get(prefix + key);
            if (value != null) {
                settings.put(key, value.replaceAll("\\$\\{.*}", "pod-0"));
            }
        }
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer());
    }

    static AclBinding binding(KafkaUserAcls.Acl acl) {
        ResourceType type = switch (acl.type()) {
            case "topic" -> ResourceType.TOPIC;
            case "group" -> ResourceType.GROUP;
            case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
            case "cluster" -> ResourceType.CLUSTER;
            default -> throw new IllegalArgumentException(acl.type());
        };
        PatternType pattern = acl.pattern().equals("prefix") ? PatternType.PREFIXED : PatternType.LITERAL;
        AclOperation operation = AclOperation.fromString(acl.operation().replaceAll("([a-z])([A-Z])", "$1_$2"));
        assertTrue(operation != AclOperation.UNKNOWN, acl.toString());
        return new AclBinding(new ResourcePattern(type, type == ResourceType.CLUSTER ? "kafka-cluster" : acl.name(), pattern),
                new AccessControlEntry("User:" + acl.user(), "*", operation, AclPermissionType.ALLOW));
    }

    /** A one-node KRaft broker with Kafka's StandardAuthorizer and the principals of {@link ListenerPrincipalBuilder}. */
    private KafkaRaftServer startBroker(int admin, int perch, int agent, int controller) throws Exception {
        Path logs = dir.resolve("kafka-logs");
        Files.createDirectories(logs);
        // The embedded broker's one-node settings, with three client listeners told apart by ListenerPrincipalBuilder.
        Properties props = EmbeddedKafka.brokerProperties(logs, perch, controller);
        props.put("listeners", "ADMIN://127.0.0.1:" + admin + ",PERCH://127.0.0.1:" + perch + ",AGENT://127.0.0.1:" + agent
                + ",CONTROLLER://127.0.0.1:" + controller);
        props.put("advertised.listeners", "ADMIN://127.0.0.1:" + admin + ",PERCH://127.0.0.1:" + perch + ",AGENT://127.0.0.1:" + agent);
        props.put("listener.security.protocol.map", "ADMIN:PLAINTEXT,PERCH:PLAINTEXT,AGENT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "ADMIN");
        props.put("principal.builder.class", ListenerPrincipalBuilder.class.getName());
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:ANONYMOUS");
        Path config = dir.resolve("server.properties");
        try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(out, "KafkaUserAclEnforcedTest");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code = StorageTool.execute(new String[]{"format", "--cluster-id", Uuid.randomUuid().toString(), "--config",
                config.toString()}, new PrintStream(output, true, StandardCharsets.UTF_8));
        assertEquals(0, code, output.toString(StandardCharsets.UTF_8));
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        return server;
    }

    /** A condition that may ask Kafka. */
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("not within 60 s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
