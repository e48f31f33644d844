package dev.perch.faults;

import dev.perch.runtime.Offsets;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Map;

/** Records on a topic as every reader of the contract sees them: committed ones only ({@code read_committed}). */
final class CommittedRecords {
    private CommittedRecords() {
    }

    /** How many committed records the topic holds, transaction markers and aborted records left out. */
    static long count(String bootstrap, Admin admin, String topic) throws Exception {
        Map<TopicPartition, Long> end = Offsets.end(admin, topic, IsolationLevel.READ_COMMITTED);
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(end.keySet());
            consumer.seekToBeginning(end.keySet());
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                records += consumer.poll(Duration.ofMillis(500)).count();
            }
        }
        return records;
    }
}
