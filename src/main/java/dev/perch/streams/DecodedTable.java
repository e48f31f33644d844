package dev.perch.streams;

import dev.perch.telemetry.Json;
import dev.perch.telemetry.JsonSerde;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The serde of a global table read on every report (the apps table, the inventory): its deserializer
 * decodes each distinct stored value once and hands back the same immutable record for the same bytes
 * after that. A store deserializes on every read, and JSON parsing was most of what a report cost once
 * the apps table was full. Bounded: past {@code capacity} values (old versions of records) it starts
 * afresh. Thread-safe, for the global thread writes while stream threads read.
 */
final class DecodedTable<T> implements Serde<T> {
    private final Class<T> type;
    private final int capacity;
    private final Map<Content, T> decoded = new ConcurrentHashMap<>();

    DecodedTable(Class<T> type, int capacity) {
        this.type = type;
        this.capacity = capacity;
    }

    @Override
    public Serializer<T> serializer() {
        return JsonSerde.of(type).serializer();
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }

    private T decode(byte[] bytes) {
        Content content = new Content(bytes);
        T value = decoded.get(content);
        if (value == null) {
            value = Json.read(bytes, type);
            if (decoded.size() >= capacity) {
                decoded.clear();
            }
            decoded.put(content, value);
        }
        return value;
    }

    /** Stored bytes, compared by content. */
    private static final class Content {
        private final byte[] bytes;
        private final int hash;

        Content(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Content content && content.hash == hash && Arrays.equals(content.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
