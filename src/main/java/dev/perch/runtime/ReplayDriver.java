package dev.perch.runtime;

import dev.perch.streams.IdleClose;
import dev.perch.telemetry.Confidence;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.RecordedRequest;
import dev.perch.telemetry.RecordingReader;
import dev.perch.telemetry.RecordingWindows;
import dev.perch.telemetry.Samples;
import dev.perch.telemetry.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Runs {@code replay}: turns a per-request recording into telemetry v1 ({@link RecordingWindows}),
 * publishes it through Kafka into the real topology, waits until the topology has committed past the
 * last report and predicted every accelerator's last window, and answers what Perch learned per app —
 * rate, service and swap time, the predictions from them, and how sure it is of each — beside what the
 * recording itself shows. The topology closes no window on a pause of its own ({@link IdleClose}), so
 * what a replay answers does not depend on how fast the machine ran it.
 *
 * <p>Window times are fixed offsets from {@link #EPOCH_MS}, so replaying the same recording again —
 * after a crash, on a kept data directory — sends the same reports, which the topology counts once.
 */
@ApplicationScoped
public class ReplayDriver {
    static final long EPOCH_MS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    /** How long the predictions are waited for, without one coming, once the recording is in: many ticks and commits. */
    private static final Duration LAST_WINDOWS_WAIT = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(ReplayDriver.class);

    @Inject
    KafkaStreams streams;
    @Inject
    PerchConfig config;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;
    @ConfigProperty(name = "quarkus.kafka-streams.application-id")
    String streamsApplicationId;
    @Inject
    IdleClose idleClose;

    private volatile boolean stopRequested;

    public record Figures(Double meanMs, Double p95Ms, Double p99Ms) {
    }

    /**
     * {@code confidence}: how sure the topology is of the learned parameters and the predictions, as
     * the app's latest prediction record says it ({@code perch.predictions.v1}); absent when nothing
     * was learned.
     */
    public record AppResult(String app, String step, String accelerator, String model, double ratePerSec, Double serviceMs,
                            Double swapMs, Double serviceCv, Figures predicted, Figures observed, Confidence confidence) {
    }

    /**
     * {@code lastWindowsMissing}: the accelerators whose last window was not predicted once the recording
     * was in, with no prediction coming for {@link #LAST_WINDOWS_WAIT} (its reports dead-lettered, or a
     * topology stalled); their apps' figures are those of an earlier window. Empty when the answer is whole.
     */
    public record Result(String recording, long reports, List<AppResult> apps, List<String> lastWindowsMissing) {
    }

    /** The latest prediction of each app (by accelerator and app), and the accelerators whose last window has none. */
    private record Predictions(Map<String, PredictionRecord.AppPrediction> latest, List<String> lastWindowsMissing) {
    }

    public void requestStop() {
        stopRequested = true;
    }

    void onShutdown(@Observes ShutdownEvent event) {
        stopRequested = true;
    }

    public Result run() throws ExecutionException, InterruptedException {
        String recording = config.replay().recording()
                .orElseThrow(() -> new IllegalStateException("replay mode needs perch.replay.recording"));
        String format = config.replay().format();
        double speed = config.replay().speed();
        List<RecordedRequest> requests = RecordingReader.read(Path.of(recording), RecordingReader.format(format));
        List<RecordingWindows.StepReport> reports = RecordingWindows.reports(requests, EPOCH_MS);
        Pipeline.awaitRunning(streams);
        KafkaClientSecurity security = KafkaClientSecurity.from(kafka);
        try (KafkaProducer<String, byte[]> producer = Pipeline.telemetryProducer(bootstrapServers, security, "perch-replay", 20, Map.of());
             Admin admin = Admin.create(security.clientSettings(bootstrapServers))) {
            Set<String> nodes = new LinkedHashSet<>();
            for (RecordingWindows.StepReport r : reports) {
                if (nodes.add(r.report().node())) {
                    InventoryRecord node = new InventoryRecord(InventoryRecord.SCHEMA, r.report().node(), 0, 0, 0,
                            List.of(new InventoryRecord.Entry(r.report().accelerator(), r.report().acceleratorType())), EPOCH_MS);
                    producer.send(new ProducerRecord<>(Topics.INVENTORY, node.node(), Json.writeBytes(node)));
                }
            }
            long lastWindowEnd = Long.MIN_VALUE;
            long wallStart = System.nanoTime();
            long firstWindowEnd = reports.isEmpty() ? 0 : reports.get(0).report().windowEndMs();
            for (RecordingWindows.StepReport r : reports) {
                if (stopRequested) {
                    break;
                }
                if (speed > 0 && r.report().windowEndMs() != lastWindowEnd) {
                    producer.flush();
                    long dueNs = wallStart + (long) ((r.report().windowEndMs() - firstWindowEnd) / speed * 1e6);
                    long waitMs = (dueNs - System.nanoTime()) / 1_000_000;
                    if (waitMs > 0) {
                        Thread.sleep(waitMs);
                    }
                }
                lastWindowEnd = r.report().windowEndMs();
                producer.send(new ProducerRecord<>(Topics.TELEMETRY, r.report().accelerator(), Json.writeBytes(r.report())));
            }
            producer.flush();
            while (!stopRequested && !Offsets.committedPastEnd(admin, streamsApplicationId, Topics.TELEMETRY)) {
                Thread.sleep(20);
            }
            idleClose.inputEnded();
            return result(recording, requests, reports.size(), predictions(admin, security, lastWindowEnds(reports)));
        }
    }

    /** Each accelerator's last window's end: the window its prediction must be read for. */
    private static Map<String, Long> lastWindowEnds(List<RecordingWindows.StepReport> reports) {
        Map<String, Long> last = new LinkedHashMap<>();
        for (RecordingWindows.StepReport r : reports) {
            last.merge(r.report().accelerator(), r.report().windowEndMs(), Math::max);
        }
        return last;
    }

    /**
     * The last prediction of every app on every accelerator, read from the beginning of the topic until
     * every accelerator's last window is predicted: a window its reports left open is predicted only
     * once the recording is in ({@link IdleClose.AtEndOfInput}), a tick or two after the last commit.
     */
    private Predictions predictions(Admin admin, KafkaClientSecurity security, Map<String, Long> lastWindowEnds)
            throws ExecutionException, InterruptedException {
        Map<String, PredictionRecord.AppPrediction> latest = new LinkedHashMap<>();
        Map<String, Long> predictedEnds = new HashMap<>();
        Map<String, Object> settings = security.clientSettings(bootstrapServers);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long deadlineNs = System.nanoTime() + LAST_WINDOWS_WAIT.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer())) {
            Map<TopicPartition, Long> end = Offsets.end(admin, Topics.PREDICTIONS, IsolationLevel.READ_COMMITTED);
            consumer.assign(end.keySet());
            consumer.seekToBeginning(end.keySet());
            while (true) {
                while (!stopRequested && System.nanoTime() < deadlineNs
                        && end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                    var records = consumer.poll(Duration.ofMillis(200));
                    if (!records.isEmpty()) {
                        deadlineNs = System.nanoTime() + LAST_WINDOWS_WAIT.toNanos(); // a long topic is read whole
                    }
                    for (ConsumerRecord<String, String> record : records) {
                        PredictionRecord prediction = Json.read(record.value(), PredictionRecord.class);
                        predictedEnds.merge(prediction.accelerator(), prediction.windowEndMs(), Math::max);
                        for (PredictionRecord.AppPrediction app : prediction.apps()) {
                            latest.put(prediction.accelerator() + "\u0000" + app.app(), app);
                        }
                    }
                }
                List<String> waiting = lastWindowEnds.entrySet().stream()
                        .filter(e -> predictedEnds.getOrDefault(e.getKey(), Long.MIN_VALUE) < e.getValue())
                        .map(Map.Entry::getKey).toList();
                if (waiting.isEmpty() || stopRequested) {
                    return new Predictions(latest, waiting);
                }
                if (System.nanoTime() > deadlineNs) {
                    LOG.warnf("replay: no prediction of the last window of %s within %s; answering with the windows before it",
                            waiting, LAST_WINDOWS_WAIT);
                    return new Predictions(latest, waiting);
                }
                Thread.sleep(50);
                end = Offsets.end(admin, Topics.PREDICTIONS, IsolationLevel.READ_COMMITTED);
            }
        }
    }

    private Result result(String recording, List<RecordedRequest> requests, long reports, Predictions predictions) {
        Map<String, PredictionRecord.AppPrediction> latest = predictions.latest();
        Map<String, List<RecordedRequest>> byApp = new LinkedHashMap<>();
        for (RecordedRequest r : requests) {
            byApp.computeIfAbsent(r.accelerator() + "\u0000" + r.app(), k -> new ArrayList<>()).add(r);
        }
        List<AppResult> apps = new ArrayList<>();
        byApp.forEach((key, recorded) -> {
            RecordedRequest first = recorded.get(0);
            double[] latencies = recorded.stream().mapToDouble(RecordedRequest::latencyMs).sorted().toArray();
            Figures observed = new Figures(Samples.round(Arrays.stream(latencies).average().orElseThrow()),
                    Samples.round(Samples.nearestRank(latencies, 0.95)), null);
            PredictionRecord.AppPrediction learned = latest.get(key);
            apps.add(new AppResult(first.app(), "all".equals(first.step()) ? null : first.step(), first.accelerator(),
                    first.model(), learned == null ? 0 : learned.ratePerSec(), learned == null ? null : learned.serviceMs(),
                    learned == null ? null : learned.swapMs(), learned == null ? null : learned.serviceCv(),
                    learned == null ? null : new Figures(learned.meanMs(), learned.p95Ms(), learned.p99Ms()), observed,
                    learned == null ? null : learned.confidence()));
        });
        return new Result(recording, reports, apps, predictions.lastWindowsMissing());
    }

}
