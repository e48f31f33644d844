package dev.perch.runtime;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/** Where a topic ends, and whether a consumer group has committed past it: how the drivers (and the benches) know the pipeline is drained. */
public final class Offsets {
    private Offsets() {
    }

    public static Map<TopicPartition, Long> end(Admin admin, String topic, IsolationLevel isolation)
            throws ExecutionException, InterruptedException {
        int partitions = partitions(admin, topic);
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
     * The topic's partitions as created, not the contract's default (they are a setting), asked once
     * per admin client: the drivers ask for offsets every step, and partitions are only ever added by hand.
     */
    private static int partitions(Admin admin, String topic) throws ExecutionException, InterruptedException {
        Map<String, Integer> known = PARTITIONS.computeIfAbsent(admin, a -> new ConcurrentHashMap<>());
        Integer count = known.get(topic);
        if (count == null) {
            count = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            known.put(topic, count);
        }
        return count;
    }

    private static final Map<Admin, Map<String, Integer>> PARTITIONS = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * Whether the group has committed its position past every record of the topic. For Kafka Streams
     * with exactly-once, outputs commit atomically with that position, so they are visible too.
     */
    public static boolean committedPastEnd(Admin admin, String groupId, String topic) throws ExecutionException, InterruptedException {
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
