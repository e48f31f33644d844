package dev.perch.bench;

import dev.perch.model.profile.ScenarioReader;
import dev.perch.runtime.EmbeddedKafka;
import dev.perch.runtime.Offsets;
import dev.perch.runtime.TopicAdmin;
import dev.perch.streams.PerchTopology;
import dev.perch.streams.TopologySettings;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.LatencyBuckets;
import dev.perch.telemetry.LatencyHistogram;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.MeanSummary;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.common.serialization.Serdes;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

/**
 * Telemetry reports per second the topology sustains against the embedded broker (exactly-once v2, one
 * stream thread, 100 ms commits), every app in the apps table with an SLO as the controller publishes
 * it (so that every window's alerts are decided, as in a live cluster), next to the framework's own floor on this machine in the same run
 * and on the same topic — a minimal stateful Kafka Streams application that parses each report and
 * counts it per key in a persistent store, with the same guarantee and commit interval — and to what
 * Kafka's own consumer performance tool reads from the topic. Both Streams rates run from start
 * (start-up included) until the application has committed past the topic's last report, in a JVM
 * that has run each of them on the whole topic before until the JIT was quiet ({@link #warmUp}),
 * with the log levels of Perch's application.properties. Each timed run also prints the CPU time of
 * its stream thread and of the process, and the JIT's compiling time. The last line on stdout is one JSON object:
 * {@code {"reports":N,"perchReportsPerSec":…,"minimalStreamsReportsPerSec":…,"consumerRecordsPerSec":…}}.
 * Run: {@code mvn -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.TopologyThroughput -Dbench=200000}
 * (see loadtests/README.md).
 */
public final class TopologyThroughput {
    public static void main(String[] args) throws Exception {
        int reports = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, null)) {
            String bootstrap = broker.bootstrapServers();
            TopicAdmin.ensureTopics(bootstrap);
            publish(bootstrap, reports);

            // The JIT's warm-up is not the topology's cost: in a fresh JVM the first application also
            // pays for compiling the broker's and the clients' code (half a core for a minute here),
            // so each application first reads the topic under an id of its own. Start-up stays timed.
            warmUp(bootstrap, "perch-warm-up", () -> PerchTopology.build(TopologySettings.defaults(ScenarioReader.defaultCatalog())));
            warmUp(bootstrap, "minimal-warm-up", TopologyThroughput::minimalTopology);
            double perch = reports / timed(bootstrap, "perch-throughput",
                    PerchTopology.build(TopologySettings.defaults(ScenarioReader.defaultCatalog())));
            System.out.printf(Locale.ROOT, "topology: %d reports, %.0f reports/s (exactly-once, 1 stream thread, %d accelerators × %d apps, incl. start-up)%n",
                    reports, perch, ACCELERATORS, APPS_PER_ACCELERATOR);
            double minimal = reports / timed(bootstrap, "minimal-throughput", minimalTopology());
            System.out.printf(Locale.ROOT, "minimal stateful Streams app: %.0f reports/s (same settings)%n", minimal);

            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream original = System.out;
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                org.apache.kafka.tools.ConsumerPerformance.main(new String[]{"--bootstrap-server", bootstrap, "--topic",
                        Topics.TELEMETRY, "--messages", Integer.toString(reports), "--timeout", "60000"});
            } finally {
                System.setOut(original);
            }
            String performance = captured.toString(StandardCharsets.UTF_8);
            System.out.println("kafka ConsumerPerformance on the same topic:");
            System.out.print(performance);
            System.out.printf(Locale.ROOT,
                    "{\"reports\":%d,\"perchReportsPerSec\":%.0f,\"minimalStreamsReportsPerSec\":%.0f,\"consumerRecordsPerSec\":%.0f}%n",
                    reports, perch, minimal, consumerRate(performance));
        }
    }

    /** Seconds from start until the application has committed past the end of every telemetry partition. */
    private static double timed(String bootstrap, String applicationId, Topology topology) throws Exception {
        // Both applications run with Perch's own kafka-streams.* settings (exactly-once v2, 100 ms commits…).
        Properties props = TopologyInstance.properties(bootstrap, applicationId,
                Files.createTempDirectory(applicationId + "-").toString());
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        long jitStart = jitMillis();
        Map<String, Long> threadsBefore = threadCpuNanos();
        try (KafkaStreams streams = new KafkaStreams(topology, props);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            streams.start();
            while (!Offsets.committedPastEnd(admin, applicationId, Topics.TELEMETRY)) {
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%s: %.1f s; CPU: stream thread %.1f s, process %.1f s (the broker's included), JIT %.1f s%n",
                    applicationId, seconds, threadCpuSec(applicationId + "-"), (processCpuNanos() - cpuStart) / 1e9,
                    (jitMillis() - jitStart) / 1e3);
            if (Boolean.getBoolean("bench.threads")) {
                Map<String, Long> after = threadCpuNanos();
                after.entrySet().stream()
                        .map(e -> Map.entry(e.getKey(), e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0L)))
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
                        .forEach(e -> System.out.printf(Locale.ROOT, "  %6.2f s %s%n", e.getValue() / 1e9, e.getKey()));
            }
            return seconds;
        }
    }

    /**
     * Runs the application on the whole topic, untimed, under ids of its own, until the JIT is quiet:
     * until a run's compiling took under {@value #QUIET_JIT_SHARE} of its wall time, or
     * {@value #WARM_UP_RUNS} runs. The JIT's queue outlives a run on two cores: after one run of
     * the topic, C2 still compiled for most of a core through the next (PrintCompilation, the
     * broker's and the clients' code above all).
     */
    private static void warmUp(String bootstrap, String applicationId, java.util.function.Supplier<Topology> topology)
            throws Exception {
        for (int run = 1; run <= WARM_UP_RUNS; run++) {
            String id = applicationId + "-" + run;
            Properties props = TopologyInstance.properties(bootstrap, id, Files.createTempDirectory(id + "-").toString());
            long start = System.nanoTime();
            long jitStart = jitMillis();
            long deadline = start + WARM_UP_SEC * 1_000_000_000L;
            try (KafkaStreams streams = new KafkaStreams(topology.get(), props);
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                streams.start();
                while (System.nanoTime() < deadline && !Offsets.committedPastEnd(admin, id, Topics.TELEMETRY)) {
                    Thread.sleep(200);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double jitSec = (jitMillis() - jitStart) / 1e3;
            System.out.printf(Locale.ROOT, "%s: warm-up %.1f s, JIT %.1f s%n", id, seconds, jitSec);
            if (jitSec < QUIET_JIT_SHARE * seconds) {
                return;
            }
        }
    }

    private static final int WARM_UP_SEC = 60;
    private static final int WARM_UP_RUNS = 4;
    private static final double QUIET_JIT_SHARE = 0.1;

    /** CPU time of the application's stream threads: what one report costs where the machine is shared. */
    private static double threadCpuSec(String prefix) {
        return threadCpuNanos().entrySet().stream()
                .filter(e -> e.getKey().contains(prefix) && e.getKey().endsWith("StreamThread-1"))
                .mapToLong(Map.Entry::getValue).sum() / 1e9;
    }

    /** CPU time of every live thread by name (-Dbench.threads=true prints where a run's CPU went). */
    private static Map<String, Long> threadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new java.util.HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null) {
                cpu.merge(info.getThreadName(), threads.getThreadCpuTime(info.getThreadId()), Long::sum);
            }
        }
        return cpu;
    }

    /** Time the JIT compilers spent, over the JVM's life: a warm application's run adds little. */
    private static long jitMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * The floor: parse each report's JSON and count reports per key in a persistent (RocksDB, cached)
     * store — the least a stateful Streams application does with a report.
     */
    private static Topology minimalTopology() {
        Topology topology = new Topology();
        topology.addSource("source", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), Topics.TELEMETRY);
        topology.addProcessor("count", () -> new Processor<String, byte[], Void, Void>() {
            private KeyValueStore<String, Long> counts;

            @Override
            public void init(ProcessorContext<Void, Void> context) {
                counts = context.getStateStore("counts");
            }

            @Override
            public void process(Record<String, byte[]> record) {
                JsonNode report = Json.read(record.value(), JsonNode.class);
                String key = report.get("app").asText();
                Long count = counts.get(key);
                counts.put(key, count == null ? 1 : count + 1);
            }
        }, "source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("counts"), Serdes.String(),
                Serdes.Long()).withCachingEnabled(), "count");
        return topology;
    }

    /** nMsg.sec, the records per second column of ConsumerPerformance's output. */
    private static double consumerRate(String performance) {
        String[] lines = performance.strip().split("\n");
        String[] header = lines[0].split(",\\s*");
        String[] values = lines[lines.length - 1].split(",\\s*");
        for (int i = 0; i < header.length && i < values.length; i++) {
            if (header[i].trim().equals("nMsg.sec")) {
                return Double.parseDouble(values[i].trim());
            }
        }
        return Double.NaN;
    }

    private static void publish(String bootstrap, int reports) {
        SplittableRandom random = new SplittableRandom(1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new ByteArraySerializer())) {
            // The apps table as the controller publishes it: every app with its SLO and accelerator.
            for (int accelerator = 0; accelerator < ACCELERATORS; accelerator++) {
                for (int app = 0; app < APPS_PER_ACCELERATOR; app++) {
                    AppRecord record = app(accelerator, app);
                    producer.send(new ProducerRecord<>(Topics.APPS, record.app(), Json.writeBytes(record)));
                }
            }
            for (int i = 0; i < reports; i++) {
                TelemetryReport report = report(i, random);
                producer.send(new ProducerRecord<>(Topics.TELEMETRY, report.accelerator(), Json.writeBytes(report)));
            }
        }
    }

    /** The bench's accelerators, each with {@link #APPS_PER_ACCELERATOR} apps. */
    public static final int ACCELERATORS = 100;
    public static final int APPS_PER_ACCELERATOR = 8;
    private static final String[] MODELS = {"mobilenet_v2", "inception_v4", "efficientnet-S", "ssd_mobilenet_v2"};
    private static final long T0 = 1_767_225_600_000L;
    /**
     * {@code -Dbench.histograms=true}: every report carries a latency histogram, as the simulator's
     * and the node agent's do, so that the SLO window's percentiles are read off them; the recorded
     * figures are without.
     */
    private static final boolean HISTOGRAMS = Boolean.getBoolean("bench.histograms");

    /** The apps table's entry of an app: a mean SLO and its accelerator. */
    public static AppRecord app(int accelerator, int app) {
        return new AppRecord(AppRecord.SCHEMA, "app-" + accelerator + "-" + app, MODELS[app % MODELS.length], 2, 400, "mean",
                AppRecord.DEFAULT_SLO_WINDOW_SEC, "node-" + accelerator, "node-" + accelerator + "/tpu0", null, T0);
    }

    /** The {@code i}-th report: accelerators in turn, then apps, a one-second window per round of them. */
    public static TelemetryReport report(int i, SplittableRandom random) {
        int accelerator = i % ACCELERATORS;
        int app = (i / ACCELERATORS) % APPS_PER_ACCELERATOR;
        long window = i / (ACCELERATORS * APPS_PER_ACCELERATOR);
        String id = "node-" + accelerator + "/tpu0";
        double mean = 20 + 30 * random.nextDouble();
        int requests = 1 + random.nextInt(3);
        return new TelemetryReport(TelemetryReport.SCHEMA, "node-" + accelerator, id, "edgetpu",
                "app-" + accelerator + "-" + app, MODELS[app % MODELS.length], T0 + window * 1000, T0 + (window + 1) * 1000,
                requests, new LatencySummary(mean, mean, mean * 2, mean * 3, mean * 3),
                new MeanSummary(10.0), new MeanSummary(mean - 10), 1L, HISTOGRAMS ? histogram(requests, mean, random) : null);
    }

    /** Latencies about the mean, in Perch's layout: what the simulator and the node agent send. */
    private static LatencyHistogram histogram(int requests, double meanMs, SplittableRandom random) {
        double[] latencies = new double[requests];
        for (int k = 0; k < requests; k++) {
            latencies[k] = meanMs * (0.5 + random.nextDouble());
        }
        return LatencyBuckets.histogram(latencies);
    }
}
