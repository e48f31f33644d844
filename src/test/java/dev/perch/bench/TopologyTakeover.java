package dev.perch.bench;

import dev.perch.model.profile.ScenarioReader;
import dev.perch.runtime.EmbeddedKafka;
import dev.perch.runtime.Offsets;
import dev.perch.runtime.TopicAdmin;
import dev.perch.streams.PerchTopology;
import dev.perch.streams.TopologySettings;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.MeanSummary;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Two topology instances share the telemetry topic's partitions under one application id; one, in a
 * process of its own, is killed with SIGKILL mid-stream, and the other takes over its tasks. Every
 * report the producer had acknowledged must be counted exactly once: {@code reportsCounted} is the
 * topology's own count ({@code reports-counted}, kept in its exactly-once store, so the survivor's
 * tasks hold the killed instance's committed count too), and no accelerator's window may appear twice
 * among the committed prediction records (read {@code read_committed}, as every consumer of the
 * contract reads them). {@code reportsNamed} counts the reports those records name
 * ({@code reportedApps}): a report that comes after its window was predicted (here: the first window
 * of each accelerator, predicted on its first report) is learned from but named in no record.
 * Run: {@code mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.TopologyTakeover -Dbench=40}
 * (seconds of telemetry). Prints one JSON line last.
 */
public final class TopologyTakeover {
    private static final String APPLICATION_ID = "perch-takeover";
    private static final int ACCELERATORS = 24;
    private static final int APPS_PER_ACCELERATOR = 4;
    /** Windows published per wall-clock second: telemetry ten times as fast as real time, so the run is short. */
    private static final int WINDOWS_PER_SEC = 10;

    private TopologyTakeover() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, null);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            TopicAdmin.ensureTopics(bootstrap, Topics.DEFAULT_TELEMETRY_PARTITIONS);
            Path state = Files.createTempDirectory("perch-takeover-");
            Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), TopologyInstance.class.getName(), bootstrap,
                    APPLICATION_ID, state.resolve("killed").toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader otherOut = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            try (KafkaStreams survivor = new KafkaStreams(
                    PerchTopology.build(TopologySettings.defaults(ScenarioReader.defaultCatalog())),
                    TopologyInstance.properties(bootstrap, APPLICATION_ID, state.resolve("survivor").toString()))) {
                survivor.start();
                if (!"RUNNING".equals(otherOut.readLine())) {
                    throw new IllegalStateException("the second instance did not start");
                }
                long started = System.nanoTime();
                long reportsIn = 0;
                double killedAtSec = Double.NaN;
                long lastTasksChangeNs = 0;
                int survivorTasks = tasks(survivor);
                try (KafkaProducer<String, byte[]> producer = dev.perch.runtime.Pipeline.telemetryProducer(bootstrap,
                        "perch-takeover-producer", 5)) {
                    int windows = seconds * WINDOWS_PER_SEC;
                    for (int w = 0; w < windows; w++) {
                        List<Future<?>> sent = new ArrayList<>();
                        for (int a = 0; a < ACCELERATORS; a++) {
                            for (int app = 0; app < APPS_PER_ACCELERATOR; app++) {
                                String accelerator = "node-" + a + "/tpu0";
                                sent.add(producer.send(new ProducerRecord<>(Topics.TELEMETRY, accelerator,
                                        Json.writeBytes(report(a, app, w)))));
                            }
                        }
                        for (Future<?> f : sent) {
                            f.get();
                            reportsIn++;
                        }
                        if (w == windows / 3) {
                            other.destroyForcibly().waitFor();
                            killedAtSec = (System.nanoTime() - started) / 1e9;
                        }
                        int tasksNow = tasks(survivor);
                        if (tasksNow != survivorTasks) {
                            survivorTasks = tasksNow;
                            lastTasksChangeNs = System.nanoTime();
                        }
                        Thread.sleep(1000 / WINDOWS_PER_SEC);
                    }
                }
                awaitCommittedPastEnd(admin);
                double takeoverSec = lastTasksChangeNs == 0 ? Double.NaN : (lastTasksChangeNs - started) / 1e9 - killedAtSec;
                Count count = countPredictions(bootstrap, admin);
                System.out.printf(Locale.ROOT, "{\"reportsIn\":%d,\"reportsCounted\":%d,\"duplicateWindows\":%d,\"windows\":%d,"
                                + "\"reportsNamed\":%d,\"killedAtSec\":%.1f,\"takeoverSec\":%.1f,\"survivorTasks\":%d}%n",
                        reportsIn, PerchTopology.reportsCounted(survivor), count.duplicates, count.windows, count.reports, killedAtSec,
                        takeoverSec, survivorTasks);
            } finally {
                other.destroyForcibly();
            }
        }
    }

    /** Accelerator {@code accelerator}'s app {@code app}'s report of window {@code window} (one second each). */
    public static TelemetryReport report(int accelerator, int app, int window) {
        long t0 = 1_767_225_600_000L;
        double mean = 20 + 5 * app;
        String[] models = {"mobilenet_v2", "inception_v4", "efficientnet-S", "ssd_mobilenet_v2"};
        return new TelemetryReport(TelemetryReport.SCHEMA, "node-" + accelerator, "node-" + accelerator + "/tpu0", "edgetpu",
                "app-" + accelerator + "-" + app, models[app % models.length], t0 + window * 1000L, t0 + (window + 1) * 1000L,
                2, new LatencySummary(mean, mean, mean * 2, mean * 3, mean * 3), new MeanSummary(10.0),
                new MeanSummary(mean - 10), 1L);
    }

    /** The topology's own count of admitted reports, summed over the tasks this instance runs. */
    public static long reportsCounted(KafkaStreams streams) {
        return PerchTopology.reportsCounted(streams);
    }

    private static int tasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    private static void awaitCommittedPastEnd(Admin admin) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Offsets.committedPastEnd(admin, APPLICATION_ID, Topics.TELEMETRY)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the surviving instance did not commit past the telemetry's end within 2 minutes");
            }
            Thread.sleep(100);
        }
    }

    /** What the committed prediction records cover: the reports they name, windows predicted twice, windows. */
    public record Count(long reports, long duplicates, long windows) {
    }

    /** Every committed prediction record: the reports each covers, and windows predicted more than once. */
    public static Count countPredictions(String bootstrap, Admin admin) throws Exception {
        Map<TopicPartition, Long> end = Offsets.end(admin, Topics.PREDICTIONS, IsolationLevel.READ_COMMITTED);
        Set<String> windows = new HashSet<>();
        long reports = 0;
        long duplicates = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(end.keySet());
            consumer.seekToBeginning(end.keySet());
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    PredictionRecord prediction = Json.read(record.value(), PredictionRecord.class);
                    if (!windows.add(prediction.accelerator() + "@" + prediction.windowStartMs())) {
                        duplicates++;
                    }
                    reports += prediction.reportedApps() == null ? 0 : prediction.reportedApps().size();
                }
            }
        }
        return new Count(reports, duplicates, windows.size());
    }
}
