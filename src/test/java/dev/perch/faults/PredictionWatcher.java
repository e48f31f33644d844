package dev.perch.faults;

import dev.perch.telemetry.Json;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;

/**
 * Watches {@code perch.predictions.v1} ({@code read_committed}) from outside a running application and
 * notes when each prediction record became visible (wall clock): how long a restarted Perch took to
 * predict again. Keeps trying while the broker is not up yet.
 */
final class PredictionWatcher implements AutoCloseable {
    private final Map<Long, Long> firstSeenMsByWindowStart = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stop;

    private PredictionWatcher(String bootstrap) {
        thread = new Thread(() -> watch(bootstrap), "fault-prediction-watcher");
        thread.setDaemon(true);
    }

    static PredictionWatcher start(String bootstrap) {
        PredictionWatcher watcher = new PredictionWatcher(bootstrap);
        watcher.thread.start();
        return watcher;
    }

    /** When the first record of a window start that {@code wanted} accepts became visible; empty if none did. */
    OptionalLong firstSeenMs(LongPredicate wanted) {
        return firstSeenMsByWindowStart.entrySet().stream().filter(e -> wanted.test(e.getKey()))
                .mapToLong(Map.Entry::getValue).min();
    }

    private void watch(String bootstrap) {
        while (!stop) {
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500), new StringDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo info : consumer.partitionsFor(Topics.PREDICTIONS, Duration.ofSeconds(5))) {
                    partitions.add(new TopicPartition(Topics.PREDICTIONS, info.partition()));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (!stop) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        long seenMs = System.currentTimeMillis();
                        PredictionRecord prediction = Json.read(record.value(), PredictionRecord.class);
                        firstSeenMsByWindowStart.putIfAbsent(prediction.windowStartMs(), seenMs);
                    }
                }
            } catch (KafkaException | IllegalStateException e) {
                // the broker not up yet (or going away at the end): try again
                sleepMs(200);
            }
        }
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(10_000);
    }
}
