package dev.perch.streams;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream thread's view of a global table it reads several times per report (the apps table: each
 * app's SLO and placement, for every app of the accelerator): entries read once are kept until the
 * table changes — {@code changes} counts the global thread's writes ({@link GlobalTableUpdater}) — so
 * that a steady table costs a map lookup, not a store read. Not thread-safe: one per processor.
 */
final class CachedTable<V> {
    private final ReadOnlyKeyValueStore<String, V> store;
    private final AtomicLong changes;
    private final Map<String, Optional<V>> read = new HashMap<>();
    private long readAtChange = -1;

    CachedTable(ReadOnlyKeyValueStore<String, V> store, AtomicLong changes) {
        this.store = store;
        this.changes = changes;
    }

    /** The table's entry for {@code key}, or null. */
    V get(String key) {
        // The count is read before the store: a write after it shows as a change on the next call.
        long now = changes.get();
        if (now != readAtChange) {
            read.clear();
            readAtChange = now;
        }
        return read.computeIfAbsent(key, k -> Optional.ofNullable(store.get(k))).orElse(null);
    }
}
