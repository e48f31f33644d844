package dev.perch.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perch.kubernetes.AcceleratorKind;
import dev.perch.kubernetes.InferenceAppStatus;
import dev.perch.runtime.EmbeddedKafka;
import dev.perch.telemetry.Topics;
import io.fabric8.kubernetes.api.model.Condition;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * {@code node-lost}: the packaged application ({@code run}) on the mock API server and an embedded
 * broker. The Jetson {@code nano-1} runs {@code r18}, and the controller is moving {@code mobile}
 * onto it (to make room for {@code medium} on the Edge TPU, as the {@code room} scenario) when the
 * node is lost — deleted in one run, {@code Ready=Unknown} (its kubelet silent) in the other, a
 * second Jetson {@code nano-2} there to take its apps. Perch must place {@code r18} again elsewhere,
 * roll the move back at once (not after the 120 s ready timeout, for a node that will not come
 * back), and record each decision: on {@code perch.decisions.v1} and in the apps' status.
 * {@code zeroReadyMoments} counts the apps not on the lost node only: {@code r18} has no ready
 * replica until it is placed again.
 */
final class NodeLostFault implements Fault {
    private static final String LOST = "nano-1";
    private static final String LOST_GPU = "nano-1/gpu0";
    private static final String SPARE_GPU = "nano-2/gpu0";
    private static final String TPU = "pi-1/tpu0";
    private static final long STEP_TIMEOUT_MS = 120_000;
    /** Well under the 120 s ready timeout: a rollback only that timeout brings is too late, and fails the fault. */
    private static final long ROLLBACK_TIMEOUT_MS = 60_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> problems = new ArrayList<>();

    @Override
    public String name() {
        return "node-lost";
    }

    @Override
    public List<String> findings() {
        return problems;
    }

    @Override
    public FaultResult run(FaultContext context) throws Exception {
        List<String> outcomes = new ArrayList<>();
        double recoverySec = 0;
        long zeroReady = 0;
        for (boolean deleted : new boolean[]{true, false}) {
            String how = deleted ? "deleted" : "NotReady";
            Path dir = Files.createDirectories(context.workDir().resolve(how));
            List<String> found = new ArrayList<>();
            try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
                 MockCluster cluster = new MockCluster(1500);
                 ReadyWatch watch = new ReadyWatch(cluster.client, MockCluster.NS)) {
                cluster.oneEdgeTpuTwoApps();
                try (PerchRun perch = PerchRun.start(context.jar(), dir, "replica-a", cluster.url(), kafka.bootstrapServers(),
                        LeaderChangeFault.SETTINGS)) {
                    need(MockCluster.await(() -> cluster.servedReady("large").equals(Optional.of(TPU))
                                    && cluster.servedReady("mobile").equals(Optional.of(TPU)), STEP_TIMEOUT_MS),
                            "large and mobile were not both placed on " + TPU + " and ready (see " + perch.log() + ")");
                    cluster.node(LOST, "gpu"); // after mobile's placement, which would otherwise take the idle Jetson
                    cluster.app("r18", "resnet_18", 20, 100, AcceleratorKind.GPU);
                    need(MockCluster.await(() -> cluster.servedReady("r18").equals(Optional.of(LOST_GPU)), STEP_TIMEOUT_MS),
                            "r18 was not placed on " + LOST_GPU + " and ready (see " + perch.log() + ")");
                    cluster.hold(LOST); // the move onto it is under way, its target not ready, when the node goes
                    cluster.app("medium", "efficientnet-M", 8, 400, AcceleratorKind.EDGETPU);
                    need(MockCluster.await(() -> cluster.deployment("mobile", LOST_GPU) != null, STEP_TIMEOUT_MS),
                            "the controller never started moving mobile to " + LOST_GPU);
                    cluster.node("nano-2", "gpu");
                    Thread.sleep(2000); // the controller's informer has the spare node before the loss
                    watch.exclude(Set.of("r18"));
                    long lostAtMs = System.currentTimeMillis();
                    if (deleted) {
                        cluster.deleteNode(LOST);
                    } else {
                        cluster.notReady(LOST);
                    }
                    boolean rolledBack = MockCluster.await(() -> cluster.status("mobile").map(s -> s.getMigration() == null
                            && TPU.equals(s.getAccelerator())).orElse(false) && cluster.deployment("mobile", LOST_GPU) == null,
                            ROLLBACK_TIMEOUT_MS);
                    double rollbackSec = (System.currentTimeMillis() - lostAtMs) / 1000.0;
                    // Read at once: the next move of mobile (room for medium, elsewhere) rewrites the condition.
                    Optional<Condition> migrating = condition(cluster, "mobile", InferenceAppStatus.MIGRATING, "RolledBack");
                    boolean replaced = MockCluster.await(() -> cluster.servedReady("r18").filter(a -> !a.startsWith(LOST + "/"))
                            .isPresent(), STEP_TIMEOUT_MS);
                    double replacedSec = (System.currentTimeMillis() - lostAtMs) / 1000.0;
                    String r18On = cluster.servedReady("r18").orElse("nowhere");
                    boolean mediumPlaced = MockCluster.await(() -> cluster.servedReady("medium").isPresent(), STEP_TIMEOUT_MS);
                    String mobileOn = cluster.status("mobile").map(InferenceAppStatus::getAccelerator).orElse(null);
                    Optional<Condition> placed = condition(cluster, "r18", InferenceAppStatus.PLACED, "Placed");
                    List<JsonNode> decisions = decisions(kafka.bootstrapServers());
                    boolean placeRecorded = decisions.stream().anyMatch(d -> "r18".equals(d.path("app").asText())
                            && "place".equals(d.path("action").asText()) && r18On.equals(d.path("to").asText())
                            && d.path("atMs").asLong() >= lostAtMs);
                    if (!rolledBack) {
                        found.add("the move of mobile to " + LOST_GPU + " was not rolled back within " + ROLLBACK_TIMEOUT_MS / 1000
                                + " s of the node's loss");
                    }
                    if (!replaced) {
                        found.add("r18 was not placed again off " + LOST + " with a ready replica");
                    }
                    if (!placeRecorded) {
                        found.add("no decision on " + Topics.DECISIONS + " places r18 on " + r18On + " after the loss");
                    }
                    if (placed.isEmpty() || !placed.get().getMessage().contains(r18On)) {
                        found.add("r18's Placed condition does not say where it runs now: " + placed.map(Condition::getMessage).orElse(null));
                    }
                    if (rolledBack && migrating.isEmpty()) {
                        found.add("mobile's Migrating condition does not say the move was rolled back");
                    }
                    watch.moments().forEach(m -> found.add("zero ready: " + m));
                    recoverySec = Math.max(recoverySec, replacedSec);
                    zeroReady += watch.zeroReadyMoments();
                    String outcome = String.format(Locale.ROOT, "%s: r18 %s %.1f s after the loss; move of mobile to %s %s"
                                    + " (%s); medium %s; %d decisions recorded; %d zero-ready moments of r18, not counted", how,
                            replaced ? "placed again on " + r18On : "not placed again", replacedSec, LOST_GPU,
                            rolledBack ? String.format(Locale.ROOT, "rolled back %.1f s after the loss", rollbackSec) : "not rolled back",
                            migrating.map(Condition::getMessage).orElse("no RolledBack condition"),
                            (mediumPlaced ? "then placed on " + cluster.servedReady("medium").orElse("?") : "not placed")
                                    + ", mobile on " + mobileOn,
                            decisions.size(), watch.excludedMoments().size());
                    System.err.println("faults: node-lost: " + outcome);
                    outcomes.add(outcome);
                }
            }
            found.forEach(p -> problems.add(how + ": " + p + " (logs in " + dir + ")"));
        }
        return new FaultResult(name(), null, null, null, null, null, zeroReady, String.join("; ", outcomes), null, null,
                Math.round(recoverySec * 10) / 10.0);
    }

    private static void need(boolean condition, String why) {
        if (!condition) {
            throw new IllegalStateException(why);
        }
    }

    private static Optional<Condition> condition(MockCluster cluster, String app, String type, String reason) {
        return cluster.status(app).flatMap(s -> s.getConditions().stream()
                .filter(c -> type.equals(c.getType()) && reason.equals(c.getReason())).findFirst());
    }

    /** Every decision on the decisions topic, read_committed, from the start. */
    private static List<JsonNode> decisions(String bootstrapServers) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DECISIONS, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 15_000;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    out.add(JSON.readTree(record.value()));
                }
            }
        }
        return out;
    }
}
