package dev.perch.controller;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The offset of the last record the controller has fully handled, per topic partition — what a
 * lock-step driver checks to know the controller has caught up with the topology.
 */
public final class InboxProgress {
    private final Map<String, Long> handled = new ConcurrentHashMap<>();

    public void handled(String topic, int partition, long offset) {
        handled.merge(topic + "-" + partition, offset, Math::max);
    }

    public OptionalLong lastHandled(String topic, int partition) {
        Long offset = handled.get(topic + "-" + partition);
        return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
    }
}
