package dev.perch.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perch.FreePort;
import dev.perch.bench.TopologyInstance;
import dev.perch.bench.TopologyTakeover;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.runtime.EmbeddedKafka;
import dev.perch.runtime.Offsets;
import dev.perch.streams.PerchTopology;
import dev.perch.streams.TopologySettings;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code kafka-down}: Kafka unreachable at start ({@code run} must end at once with one line and exit
 * 2), and for {@value #DOWN_SEC} s under a running {@code demo} of the packaged jar, against a broker
 * the harness owns: {@code /q/health/ready} must say DOWN with the reason and UP again, the process
 * must write a bounded number of lines during the outage, stay alive with its streams running, and
 * count every report its simulator had acknowledged once. {@code recoverySec}: from the broker's
 * return until health is UP and the topology is less than {@value #LAG_SEC} s behind the telemetry.
 */
final class KafkaDownFault implements Fault {
    private static final int DOWN_SEC = 30;
    private static final int WARM_UP_SEC = 20;
    private static final int AFTER_RECOVERY_SEC = 15;
    /**
     * The demo's wall-clock limit: the warm-up, the outage, some recovery and the time after it. The
     * demo ends by itself and prints its summary (what its simulator published) as a user sees it.
     */
    private static final int DEMO_SEC = 120;
    private static final long LAG_SEC = 2;
    /** The demo's own Streams application id (application.properties). */
    private static final String STREAMS_ID = "perch-streams";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Perch's own readiness check of Kafka (runtime/KafkaHealth). */
    private static final String KAFKA_CHECK = "perch-kafka";
    /** Lines the process may write while Kafka is away: the change, said once (and a few of the clients' as it goes). */
    private static final int MAX_OUTAGE_LINES = 5;
    private final List<String> found = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @Override
    public String name() {
        return "kafka-down";
    }

    @Override
    public FaultResult run(FaultContext context) throws Exception {
        String atStart = unreachableAtStart(context);
        int kafkaPort = FreePort.pick();
        Path brokerDir = context.workDir().resolve("kafka");
        EmbeddedKafka broker = EmbeddedKafka.start(kafkaPort, brokerDir);
        // Picked once the broker holds its ports, so that it is none of them.
        int httpPort = FreePort.pick();
        String bootstrap = broker.bootstrapServers();
        String health = "http://127.0.0.1:" + httpPort + "/q/health";
        try (WatchedProcess demo = WatchedProcess.start(context.jar(), List.of("-Dquarkus.http.port=" + httpPort),
                List.of("demo", "--speed", "1", "--duration", DEMO_SEC + "s"), Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap),
                context.workDir().resolve("demo.log"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            awaitReady(health + "/ready", demo);
            Thread.sleep(WARM_UP_SEC * 1000L);
            broker.close();
            long stoppedNs = System.nanoTime();
            Long downAfterNs = null;
            Long reasonAfterNs = null;
            String reason = null;
            int liveDown = 0;
            int slowAnswers = 0;
            while (System.nanoTime() - stoppedNs < TimeUnit.SECONDS.toNanos(DOWN_SEC)) {
                long askedNs = System.nanoTime();
                Ready ready = ready(health + "/ready");
                slowAnswers += System.nanoTime() - askedNs > TimeUnit.SECONDS.toNanos(1) ? 1 : 0;
                liveDown += ready(health + "/live").up() ? 0 : 1;
                if (!ready.up() && downAfterNs == null) {
                    downAfterNs = askedNs - stoppedNs;
                }
                if (ready.kafkaReason() != null && reasonAfterNs == null) {
                    reasonAfterNs = askedNs - stoppedNs;
                    reason = ready.kafkaReason();
                }
                Thread.sleep(1000);
            }
            broker = EmbeddedKafka.start(kafkaPort, brokerDir);
            long returnedNs = System.nanoTime();
            int outageLines = demo.linesBetween(stoppedNs, returnedNs).size();
            Long upAfterNs = null;
            Long caughtUpNs = null;
            List<Map<TopicPartition, Long>> ends = new ArrayList<>();
            long deadline = returnedNs + TimeUnit.SECONDS.toNanos(180);
            while ((upAfterNs == null || caughtUpNs == null) && System.nanoTime() < deadline && demo.alive()) {
                Ready ready = ready(health + "/ready");
                long nowNs = System.nanoTime();
                if (ready.up() && upAfterNs == null) {
                    upAfterNs = nowNs - returnedNs;
                }
                try {
                    ends.add(Offsets.end(admin, Topics.TELEMETRY, IsolationLevel.READ_UNCOMMITTED));
                    // Lag under LAG_SEC: what was on the topic LAG_SEC polls (seconds) ago is committed now.
                    if (ends.size() > LAG_SEC && committedPast(admin, ends.get(ends.size() - 1 - (int) LAG_SEC)) && caughtUpNs == null) {
                        caughtUpNs = nowNs - returnedNs;
                    }
                } catch (Exception e) {
                    ends.add(Map.of());
                }
                Thread.sleep(1000);
            }
            long recoveredNs = System.nanoTime();
            int linesAfterReturn = demo.linesBetween(returnedNs, recoveredNs).size();
            Thread.sleep(AFTER_RECOVERY_SEC * 1000L);
            boolean alive = demo.alive();
            Ready liveness = ready(health + "/live");
            Ready readiness = ready(health + "/ready");
            int exit = demo.await(DEMO_SEC + 60);
            if (exit == -1) {
                exit = demo.stop(60, context.workDir().resolve("demo-threads-at-stop.txt"));
            }
            Long telemetryRecords = summaryTelemetryRecords(demo);
            long reportsIn = CommittedRecords.count(bootstrap, admin, Topics.TELEMETRY);
            long reportsCounted = auditedCount(bootstrap, admin, context.workDir().resolve("audit"));
            TopologyTakeover.Count predictions = TopologyTakeover.countPredictions(bootstrap, admin);
            long deadLetters = CommittedRecords.count(bootstrap, admin, Topics.DLQ);
            String outcome = String.format(Locale.ROOT,
                    "at start: %s; during the run: ready DOWN %s, with the reason %s (\"%s\"), live DOWN %d times, "
                            + "%d health answers slower than 1 s; ready UP %s after the broker's return, lag under %d s %s; "
                            + "%d lines written during the %d s outage, %d from the return to recovery; afterwards process %s, "
                            + "live %s, ready %s; ended with exit %d; the simulator published %s reports, the topic holds %d",
                    atStart, secondsOrNever(downAfterNs), secondsOrNever(reasonAfterNs), reason, liveDown, slowAnswers,
                    secondsOrNever(upAfterNs), LAG_SEC, secondsOrNever(caughtUpNs), outageLines, DOWN_SEC,
                    linesAfterReturn, alive ? "alive" : "dead", liveness.up() ? "UP" : "DOWN", readiness.up() ? "UP" : "DOWN",
                    exit, telemetryRecords, reportsIn);
            check(atStart.startsWith("run exit 2 ") && atStart.contains("1 line(s)"), "at start, not exit 2 with one line: " + atStart);
            check(reason != null && reason.matches("Kafka at .* has not answered for \\d+ s"),
                    "readiness never said why while Kafka was away (" + reason + ")");
            check(liveDown == 0, "liveness DOWN " + liveDown + " times while Kafka was away: Kubernetes would restart the pod");
            check(slowAnswers == 0, slowAnswers + " health answers took more than 1 s while Kafka was away");
            check(outageLines <= MAX_OUTAGE_LINES, outageLines + " lines written during the outage (at most " + MAX_OUTAGE_LINES + ")");
            check(alive && liveness.up() && readiness.up(), "afterwards alive " + alive + ", live " + liveness.up() + ", ready " + readiness.up());
            check(upAfterNs != null && caughtUpNs != null, "not ready again with the lag under " + LAG_SEC + " s within 180 s of the return");
            check(exit == 0 && telemetryRecords != null, "the demo ended with exit " + exit + (telemetryRecords == null ? ", no summary" : ""));
            Double recoverySec = upAfterNs == null || caughtUpNs == null ? null
                    : Math.round(Math.max(upAfterNs, caughtUpNs) / 1e8) / 10.0;
            // Reports the simulator published but Kafka never acknowledged are lost: reportsIn is what it
            // published, hostileIn 0, so the suite's check compares the count with every published report.
            long published = telemetryRecords == null ? reportsIn : telemetryRecords;
            return new FaultResult(name(), published, 0L, reportsCounted, predictions.duplicates(), deadLetters, null,
                    outcome, null, null, recoverySec);
        } finally {
            broker.close();
        }
    }

    private void check(boolean holds, String problem) {
        if (!holds) {
            found.add(problem);
        }
    }

    @Override
    public List<String> findings() {
        return found;
    }

    private static String secondsOrNever(Long ns) {
        return ns == null ? "never" : String.format(Locale.ROOT, "after %.1f s", ns / 1e9);
    }

    /** {@code run} against an address where nothing listens: its exit code and the lines it wrote. */
    private String unreachableAtStart(FaultContext context) throws Exception {
        int nobody = FreePort.pick();
        try (WatchedProcess run = WatchedProcess.start(context.jar(), List.of(), List.of("run", "--namespace", "perch"),
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + nobody), context.workDir().resolve("run-unreachable.log"))) {
            long startNs = System.nanoTime();
            int exit = run.await(120);
            List<WatchedProcess.Line> lines = run.lines();
            return String.format(Locale.ROOT, "run exit %d after %.0f s with %d line(s)%s", exit, (System.nanoTime() - startNs) / 1e9,
                    lines.size(), lines.size() == 1 ? " \"" + lines.get(0).text() + "\"" : "");
        }
    }

    /** A health answer: UP or not, the checks not UP, and the reason {@code perch-kafka} gives (null if none). */
    private record Ready(boolean up, String reason, String kafkaReason) {
    }

    /** One look at a health endpoint: UP or not, and the reason of the checks that are not UP. */
    private Ready ready(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            List<String> down = new ArrayList<>();
            String kafkaReason = null;
            for (JsonNode check : body.path("checks")) {
                if (!"UP".equals(check.path("status").asText())) {
                    down.add(check.path("name").asText() + ": " + check.path("data"));
                    if (KAFKA_CHECK.equals(check.path("name").asText())) {
                        kafkaReason = check.path("data").path("reason").asText(null);
                    }
                }
            }
            return new Ready("UP".equals(body.path("status").asText()), String.join(", ", down), kafkaReason);
        } catch (Exception e) {
            return new Ready(false, "no answer: " + e, null);
        }
    }

    private void awaitReady(String url, WatchedProcess demo) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!ready(url).up()) {
            if (!demo.alive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the demo did not become ready (alive: " + demo.alive() + ")");
            }
            Thread.sleep(500);
        }
    }

    private static boolean committedPast(Admin admin, Map<TopicPartition, Long> ends) throws Exception {
        if (ends.isEmpty()) {
            return false;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(STREAMS_ID).partitionsToOffsetAndMetadata().get();
        return ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue()));
    }

    /** {@code telemetryRecords} of the demo's summary, the last JSON line it wrote on stdout. */
    private static Long summaryTelemetryRecords(WatchedProcess demo) {
        List<WatchedProcess.Line> lines = demo.lines();
        for (int i = lines.size() - 1; i >= 0; i--) {
            WatchedProcess.Line line = lines.get(i);
            if (line.stdout() && line.text().startsWith("{")) {
                try {
                    return JSON.readTree(line.text()).path("telemetryRecords").asLong();
                } catch (Exception e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * The demo's topology's own count, after the demo ended: a topology instance under the demo's
     * application id restores the count from the exactly-once store's changelog.
     */
    private static long auditedCount(String bootstrap, Admin admin, Path stateDir) throws Exception {
        try (KafkaStreams audit = new KafkaStreams(PerchTopology.build(TopologySettings.defaults(ScenarioReader.defaultCatalog())),
                TopologyInstance.properties(bootstrap, STREAMS_ID, stateDir.toString()))) {
            audit.start();
            int partitions = Offsets.end(admin, Topics.TELEMETRY, IsolationLevel.READ_UNCOMMITTED).size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                long tasks = audit.metrics().keySet().stream().filter(m -> m.name().equals("reports-counted")).count();
                if (audit.state() == KafkaStreams.State.RUNNING && tasks >= partitions) {
                    return TopologyTakeover.reportsCounted(audit);
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("the audit instance did not restore the demo's count in 120 s (" + audit.state() + ")");
        }
    }
}
