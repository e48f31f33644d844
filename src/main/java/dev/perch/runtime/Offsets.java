package dev.perch.runtime;

import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/** Where a topic ends, and whether a consumer group has committed past it: how the drivers know the pipeline is drained. */
final class Offsets {
    private Offsets() {
    }

    static Map<TopicPartition, Long> end(Admin admin, String topic, IsolationLevel isolation)
            throws ExecutionException, InterruptedException {
        int partitions = Topics.ALL.stream().filter(t -> t.name().equals(topic)).findFirst().orElseThrow().partitions();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> result = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(isolation)).all().get()
                .forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }

    /**
     * Whether the group has committed its position past every record of the topic. For Kafka Streams
     * with exactly-once, outputs commit atomically with that position, so they are visible too.
     */
    static boolean committedPastEnd(Admin admin, String groupId, String topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get();
        for (var end : end(admin, topic, IsolationLevel.READ_UNCOMMITTED).entrySet()) {
            OffsetAndMetadata position = committed.get(end.getKey());
            if (end.getValue() > 0 && (position == null || position.offset() < end.getValue())) {
                return false;
            }
        }
        return true;
    }
}
