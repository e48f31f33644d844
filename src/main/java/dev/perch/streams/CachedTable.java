package dev.perch.streams;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.HashMap;
import java.util.Map;

/**
 * A stream thread's view of a global table it reads several times per report (the apps table: each
 * app's SLO and placement, for every app of the accelerator): an entry read once is kept until its
 * key is written again, or anything is deleted ({@link TableChanges}, kept by the global thread's
 * {@link GlobalTableUpdater}), so that a steady entry costs two map lookups, not a store read. It
 * keeps only keys the table had when read, and forgets them all at a delete, so it holds at most the
 * table's keys and those deleted since. Not thread-safe: one per processor.
 *
 * <p>It trusts the updater to tell every change: were the global store ever rebuilt beneath it
 * (Kafka Streams restores a global store from its topic without the updater, on a reset of the
 * global consumer), its entries would stay as read until their keys are written again or a delete.
 * The processor makes its cache afresh at every {@code init}.
 */
final class CachedTable<V> {
    /** An entry and the table's write count before it was read. */
    private record Read<V>(V value, long at) {
    }

    private final ReadOnlyKeyValueStore<String, V> store;
    private final TableChanges changes;
    private final Map<String, Read<V>> read = new HashMap<>();
    /** The delete the entries were last all forgotten at: a delete makes each stale anyway. */
    private long clearedAtDelete;

    CachedTable(ReadOnlyKeyValueStore<String, V> store, TableChanges changes) {
        this.store = store;
        this.changes = changes;
    }

    /** The table's entry for {@code key}, or null. */
    V get(String key) {
        long deleteAt = changes.lastDeleteAt();
        if (deleteAt != clearedAtDelete) {
            read.clear(); // and so keys gone from the table do not stay here
            clearedAtDelete = deleteAt;
        }
        Read<V> kept = read.get(key);
        if (kept != null && !changes.changedSince(key, kept.at())) {
            return kept.value();
        }
        // The count is read before the store: a write after it shows as a change on the next call.
        long at = changes.count();
        V value = store.get(key);
        if (value != null) {
            read.put(key, new Read<>(value, at)); // an absent key is not kept: ids not in the table would pile up
        } else {
            read.remove(key);
        }
        return value;
    }
}
