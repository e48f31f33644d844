package dev.perch.runtime;

import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.NodeSpec;
import dev.perch.model.profile.Scenario;
import dev.perch.telemetry.TelemetryParser;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Where the demo's simulated time 0 lies on the wall clock. A demo on fresh data starts it now. A
 * demo started again on kept data ({@code --data-dir} after a crash or a stop, or a Kafka of its own)
 * starts it after the last window of its scenario on the telemetry topic: the topology counts a
 * report once per app, accelerator and window and drops one whose window starts inside time it has
 * counted as a re-send, but the new run's reports are new ones. A run faster than real time
 * ({@code --speed X}, {@code max}) publishes windows ahead of the wall clock, so a restart at "now"
 * would have had its first windows (at {@code --speed max}, its first minutes) dropped, its apps
 * unseen.
 */
final class SimulatedEpoch {
    private static final Logger LOG = Logger.getLogger(SimulatedEpoch.class);
    /** Records read back from each partition's end, beyond one window's reports (one per app). */
    private static final int TAIL_SLACK = 64;

    private SimulatedEpoch() {
    }

    /** Simulated time 0 for a demo of {@code scenario} whose telemetry goes to Kafka at {@code bootstrap}, at wall time {@code nowMs}. */
    static long forDemo(String bootstrap, Scenario scenario, long nowMs, Duration timeout) {
        return forDemo(bootstrap, KafkaClientSecurity.NONE, scenario, nowMs, timeout);
    }

    static long forDemo(String bootstrap, KafkaClientSecurity security, Scenario scenario, long nowMs, Duration timeout) {
        OptionalLong lastEndMs = latestWindowEndMs(bootstrap, security, scenario, timeout);
        long epochMs = startMs(nowMs, lastEndMs);
        if (lastEndMs.isPresent() && epochMs > Math.floorDiv(nowMs, 1000) * 1000) {
            LOG.infof("simulated time starts at %s, after the last window already on %s (the demo runs again on kept data)",
                    Instant.ofEpochMilli(epochMs), Topics.TELEMETRY);
        }
        return epochMs;
    }

    /** Now, to the whole second, or the end of the latest window already published, to the next whole second, whichever is later. */
    static long startMs(long nowMs, OptionalLong latestWindowEndMs) {
        long now = Math.floorDiv(nowMs, 1000) * 1000;
        if (latestWindowEndMs.isEmpty()) {
            return now;
        }
        return Math.max(now, Math.floorDiv(latestWindowEndMs.getAsLong() + 999, 1000) * 1000);
    }

    /**
     * The latest window end among the scenario's reports (its apps on its accelerators; other
     * producers' and invalid records do not count) at the end of every telemetry partition: the
     * demo publishes window by window, so a partition's last records hold the latest window it got.
     * Empty when there are none, or when Kafka does not answer within {@code timeout} (said in the log).
     */
    static OptionalLong latestWindowEndMs(String bootstrap, Scenario scenario, Duration timeout) {
        return latestWindowEndMs(bootstrap, KafkaClientSecurity.NONE, scenario, timeout);
    }

    /** {@link #latestWindowEndMs(String, Scenario, Duration)}, connecting as {@code security} says. */
    static OptionalLong latestWindowEndMs(String bootstrap, KafkaClientSecurity security, Scenario scenario, Duration timeout) {
        Set<String> apps = new HashSet<>();
        scenario.apps().stream().map(AppSpec::app).forEach(apps::add);
        Set<String> accelerators = new HashSet<>();
        for (NodeSpec node : scenario.nodes()) {
            accelerators.addAll(node.acceleratorIds());
        }
        long tail = apps.size() + TAIL_SLACK;
        long deadline = System.nanoTime() + timeout.toNanos();
        long latest = Long.MIN_VALUE;
        Map<String, Object> settings = security.clientSettings(bootstrap);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "perch-demo-epoch");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(Topics.TELEMETRY, timeout)) {
                partitions.add(new TopicPartition(Topics.TELEMETRY, info.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
            end.forEach((partition, endOffset) -> consumer.seek(partition, Math.max(begin.get(partition), endOffset - tail)));
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    LOG.warnf("could not read the end of %s within %s: simulated time starts now", Topics.TELEMETRY, timeout);
                    return OptionalLong.empty();
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (TelemetryParser.parse(record.value()) instanceof TelemetryParser.Result.Valid valid) {
                        TelemetryReport report = valid.report();
                        if (apps.contains(report.app()) && accelerators.contains(report.accelerator())) {
                            latest = Math.max(latest, report.windowEndMs());
                        }
                    }
                }
            }
        } catch (KafkaException e) {
            LOG.warnf("could not read the end of %s (%s): simulated time starts now", Topics.TELEMETRY, e.getMessage());
            return OptionalLong.empty();
        }
        return latest == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(latest);
    }
}
