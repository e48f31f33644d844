package dev.perch.streams;

import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.LatencyBuckets;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.MeanSummary;
import dev.perch.telemetry.Samples;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** A {@link TopologyTestDriver} around Perch's topology with the contract's topics wired as test topics. */
final class TopologyFixture implements AutoCloseable {
    static final long T0 = 1_764_201_600_000L;

    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> telemetry;
    final TestInputTopic<String, byte[]> apps;
    final TestInputTopic<String, byte[]> inventory;
    final TestOutputTopic<String, String> predictions;
    final TestOutputTopic<String, String> alerts;
    final TestOutputTopic<String, String> dlq;

    TopologyFixture() throws Exception {
        this(TopologySettings.defaults(ScenarioReader.defaultCatalog()));
    }

    TopologyFixture(TopologySettings settings) throws Exception {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "perch-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("perch-ttd-").toString());
        // A checkpoint per window, so that the state store shows what the assessor holds after each window.
        driver = new TopologyTestDriver(PerchTopology.build(settings, 0), props);
        telemetry = driver.createInputTopic(Topics.TELEMETRY, new StringSerializer(), new ByteArraySerializer());
        apps = driver.createInputTopic(Topics.APPS, new StringSerializer(), new ByteArraySerializer());
        inventory = driver.createInputTopic(Topics.INVENTORY, new StringSerializer(), new ByteArraySerializer());
        predictions = driver.createOutputTopic(Topics.PREDICTIONS, new StringDeserializer(), new StringDeserializer());
        alerts = driver.createOutputTopic(Topics.ALERTS, new StringDeserializer(), new StringDeserializer());
        dlq = driver.createOutputTopic(Topics.DLQ, new StringDeserializer(), new StringDeserializer());
    }

    void app(String app, String model, double sloMs, String statistic, String node, String accelerator) {
        app(app, model, sloMs, statistic, node, accelerator, 60);
    }

    void app(String app, String model, double sloMs, String statistic, String node, String accelerator, int windowSec) {
        apps.pipeInput(app, Json.writeBytes(new AppRecord(AppRecord.SCHEMA, app, model, 1, sloMs, statistic, windowSec, node,
                accelerator, null, T0)));
    }

    void node(String node, double networkMs, double frontendMs, String accelerator, String type) {
        inventory.pipeInput(node, Json.writeBytes(new InventoryRecord(InventoryRecord.SCHEMA, node, 4096, networkMs,
                frontendMs, List.of(new InventoryRecord.Entry(accelerator, type)), T0)));
    }

    /**
     * A one-second report of window {@code second} (0-based from T0) whose requests took the catalog's
     * service time on the device and never swapped.
     */
    static TelemetryReport report(String app, String model, String accelerator, int second, long requests, double meanMs) {
        String node = accelerator.substring(0, accelerator.indexOf('/'));
        double serviceMs = ScenarioReader.defaultCatalog().profile(model, dev.perch.model.profile.AcceleratorType.EDGETPU)
                .map(p -> p.serviceMs()).orElse(5.0);
        return new TelemetryReport(TelemetryReport.SCHEMA, node, accelerator, "edgetpu", app, model,
                T0 + second * 1000L, T0 + (second + 1) * 1000L, requests,
                requests == 0 ? null : new LatencySummary(meanMs, meanMs * 0.9, meanMs * 1.8, meanMs * 2.5, meanMs * 3),
                requests == 0 ? null : new MeanSummary(serviceMs),
                requests == 0 ? null : new MeanSummary(Math.max(0, meanMs - serviceMs)), 0L);
    }

    /**
     * A one-second report of window {@code second} whose requests took {@code latenciesMs}: their mean
     * and nearest-rank percentiles, and, if {@code histogram}, their bucket counts in Perch's layout.
     */
    static TelemetryReport samples(String app, String model, String accelerator, int second, double[] latenciesMs,
                                   boolean histogram) {
        double[] sorted = latenciesMs.clone();
        java.util.Arrays.sort(sorted);
        String node = accelerator.substring(0, accelerator.indexOf('/'));
        LatencySummary latency = sorted.length == 0 ? null : new LatencySummary(java.util.Arrays.stream(sorted).average().orElseThrow(),
                Samples.nearestRank(sorted, 0.50), Samples.nearestRank(sorted, 0.95), Samples.nearestRank(sorted, 0.99),
                sorted[sorted.length - 1]);
        return new TelemetryReport(TelemetryReport.SCHEMA, node, accelerator, "edgetpu", app, model, T0 + second * 1000L,
                T0 + (second + 1) * 1000L, sorted.length, latency, sorted.length == 0 ? null : new MeanSummary(5.0),
                null, 0L, histogram ? LatencyBuckets.histogram(sorted) : null);
    }

    /** What the topology remembers of an accelerator. */
    AcceleratorState state(String accelerator) {
        return driver.<String, AcceleratorState>getKeyValueStore(Assessor.STATE_STORE).get(accelerator);
    }

    void send(TelemetryReport report) {
        telemetry.pipeInput(report.accelerator(), Json.writeBytes(report));
    }

    void sendRaw(String key, String payload) {
        telemetry.pipeInput(key, payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        driver.close();
    }

    static Path projectRoot() {
        return Path.of(System.getProperty("user.dir"));
    }
}
