package dev.perch.faults;

import dev.perch.FreePort;
import dev.perch.bench.TopologyInstance;
import dev.perch.bench.TopologyTakeover;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.runtime.EmbeddedKafka;
import dev.perch.runtime.Offsets;
import dev.perch.runtime.Pipeline;
import dev.perch.runtime.TopicAdmin;
import dev.perch.streams.PerchTopology;
import dev.perch.streams.TopologySettings;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code broker-restart}: telemetry at a steady rate (a producer with Perch's settings, one report per
 * app per window) into the topology (Kafka Streams in this JVM with Perch's {@code kafka-streams.*}
 * settings); the broker is stopped for {@value #DOWN_SEC} s and started again on the same data
 * directory and port. Every report the producer had acknowledged must be counted once, none twice,
 * and Streams must still run afterwards. {@code recoverySec}: from the broker's restart until the
 * topology has counted every report acknowledged that was sent before the restart.
 */
final class BrokerRestartFault implements Fault {
    private static final String APPLICATION_ID = "perch-broker-restart";
    private static final int ACCELERATORS = 12;
    private static final int APPS_PER_ACCELERATOR = 4;
    /** Telemetry ten times as fast as real time (a window a tenth of a second): a short run covers many windows. */
    private static final int WINDOWS_PER_SEC = 10;
    private static final int BEFORE_SEC = 15;
    static final int DOWN_SEC = 10;
    private static final int AFTER_SEC = 15;
    private static final long DRAIN_TIMEOUT_SEC = 180;

    @Override
    public String name() {
        return "broker-restart";
    }

    @Override
    public FaultResult run(FaultContext context) throws Exception {
        int port = FreePort.pick();
        Path brokerDir = context.workDir().resolve("kafka");
        Watched watched = new Watched();
        watched.broker = EmbeddedKafka.start(port, brokerDir);
        String bootstrap = watched.broker.bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, Topics.DEFAULT_TELEMETRY_PARTITIONS);
        try (KafkaStreams streams = new KafkaStreams(
                PerchTopology.build(TopologySettings.defaults(ScenarioReader.defaultCatalog())),
                TopologyInstance.properties(bootstrap, APPLICATION_ID, context.workDir().resolve("streams").toString()));
             KafkaProducer<String, byte[]> producer = Pipeline.telemetryProducer(bootstrap, "perch-fault-telemetry", 5)) {
            streams.setStateListener((now, before) -> watched.states.add(String.format(Locale.ROOT, "%.1fs %s",
                    watched.sinceStartSec(), now)));
            streams.start();
            awaitRunning(streams);
            watched.startNs = System.nanoTime();
            watched.streams = streams;
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(watched::sampleCounted, 100, 100, TimeUnit.MILLISECONDS);
            Thread restarter = new Thread(() -> watched.restart(port, brokerDir), "fault-broker-restart");
            restarter.start();
            produce(producer, (BEFORE_SEC + DOWN_SEC + AFTER_SEC) * WINDOWS_PER_SEC, watched);
            restarter.join();
            producer.flush();
            long restartedNs = watched.restartedNs;
            long countedAll = awaitCounted(streams, watched, restartedNs);
            sampler.shutdownNow();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                awaitCommittedPastEnd(admin);
                TopologyTakeover.Count predictions = TopologyTakeover.countPredictions(bootstrap, admin);
                long deadLetters = CommittedRecords.count(bootstrap, admin, Topics.DLQ);
                long reportsCounted = TopologyTakeover.reportsCounted(streams);
                String outcome = String.format(Locale.ROOT,
                        "broker down %.1f s, back in %.1f s; streams %s at the end (states: %s); %d sends failed%s; "
                                + "%d windows predicted; every report counted %s",
                        (watched.restartingNs - watched.stoppedNs) / 1e9, (restartedNs - watched.restartingNs) / 1e9, streams.state(),
                        String.join(", ", watched.states), watched.failed.get(), watched.firstFailures(),
                        predictions.windows(), countedAll < 0 ? "never" : "after the restart");
                return new FaultResult(name(), watched.acked.get(), 0L, reportsCounted, predictions.duplicates(),
                        deadLetters, null, outcome, null, null,
                        countedAll < 0 ? null : Math.round((countedAll - restartedNs) / 1e8) / 10.0);
            }
        } finally {
            watched.broker.close();
        }
    }

    /** What the harness saw: acknowledgements, failures, Streams' state changes. */
    private static final class Watched {
        final AtomicLong acked = new AtomicLong();
        final AtomicLong ackedBeforeRestart = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Set<String> failures = new TreeSet<>();
        final ConcurrentLinkedQueue<String> states = new ConcurrentLinkedQueue<>();
        volatile long startNs = System.nanoTime();
        volatile EmbeddedKafka broker;
        volatile long stoppedNs;
        volatile long restartingNs;
        volatile long restartedNs;

        /** Stops the broker {@value #BEFORE_SEC} s after the start, starts it again {@value #DOWN_SEC} s later. */
        void restart(int port, Path brokerDir) {
            try {
                Thread.sleep(BEFORE_SEC * 1000L);
                broker.close();
                stoppedNs = System.nanoTime();
                Thread.sleep(DOWN_SEC * 1000L);
                restartingNs = System.nanoTime();
                broker = EmbeddedKafka.start(port, brokerDir);
                restartedNs = System.nanoTime();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Set at the start: the topology's count is sampled every 100 ms from then on. */
        volatile KafkaStreams streams;
        final List<long[]> countedSamples = new CopyOnWriteArrayList<>();

        void sampleCounted() {
            KafkaStreams current = streams;
            if (current != null && current.state().isRunningOrRebalancing()) {
                countedSamples.add(new long[]{System.nanoTime(), TopologyTakeover.reportsCounted(current)});
            }
        }

        double sinceStartSec() {
            return (System.nanoTime() - startNs) / 1e9;
        }

        synchronized void failure(Exception e) {
            failed.incrementAndGet();
            if (failures.size() < 3) {
                failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        synchronized String firstFailures() {
            return failures.isEmpty() ? "" : " (" + String.join("; ", failures) + ")";
        }
    }

    /**
     * One window of reports every tenth of a second for {@code seconds}, each acknowledged (or failed)
     * in its callback; the sending thread never waits for the broker, as a node's agent does not.
     */
    private static void produce(KafkaProducer<String, byte[]> producer, int windows, Watched watched) throws InterruptedException {
        long startNs = System.nanoTime();
        for (int window = 0; window < windows; window++) {
            for (int a = 0; a < ACCELERATORS; a++) {
                for (int app = 0; app < APPS_PER_ACCELERATOR; app++) {
                    boolean afterRestart = watched.restartedNs != 0;
                    producer.send(new ProducerRecord<>(Topics.TELEMETRY, "node-" + a + "/tpu0",
                            Json.writeBytes(TopologyTakeover.report(a, app, window))), (metadata, e) -> {
                        if (e != null) {
                            watched.failure(e);
                            return;
                        }
                        watched.acked.incrementAndGet();
                        if (!afterRestart) {
                            watched.ackedBeforeRestart.incrementAndGet();
                        }
                    });
                }
            }
            long dueNs = startNs + (window + 1) * 1_000_000_000L / WINDOWS_PER_SEC;
            long waitMs = (dueNs - System.nanoTime()) / 1_000_000;
            if (waitMs > 0) {
                Thread.sleep(waitMs);
            }
        }
    }

    /**
     * Waits until the topology has counted every acknowledged report; returns when (nanoTime) it had
     * counted every one acknowledged that was sent before the restart, or -1 if it never did.
     */
    private static long awaitCounted(KafkaStreams streams, Watched watched, long restartedNs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_TIMEOUT_SEC);
        List<long[]> samples = watched.countedSamples;
        while (System.nanoTime() < deadline && streams.state().isRunningOrRebalancing()) {
            if (!samples.isEmpty() && samples.get(samples.size() - 1)[1] >= watched.acked.get()) {
                break;
            }
            Thread.sleep(100);
        }
        long before = watched.ackedBeforeRestart.get();
        return samples.stream().filter(s -> s[0] >= restartedNs && s[1] >= before).mapToLong(s -> s[0]).findFirst().orElse(-1);
    }

    private static void awaitCommittedPastEnd(Admin admin) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Offsets.committedPastEnd(admin, APPLICATION_ID, Topics.TELEMETRY) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka Streams did not start within 60 s (" + streams.state() + ")");
            }
            Thread.sleep(20);
        }
    }
}
