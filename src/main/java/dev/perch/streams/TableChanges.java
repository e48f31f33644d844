package dev.perch.streams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writes a global table's updater made, for the stream threads' {@link CachedTable}s: a count of
 * writes, the count at which each present key was last written, and the count of the latest delete.
 * A cached entry read when the count was {@code at} is still the table's unless its key was written
 * since, or anything was deleted since (deletes are rare — an app removed — and forgetting a deleted
 * key keeps this map as large as the table, not as large as every key it ever had).
 *
 * <p>Why per key: the controller writes the apps table on every placement and move, and at
 * {@code mixed-1000} a count for the whole table changed between most reports, so every report read
 * its accelerator's apps from the store again (profiled).
 *
 * <p>One writer (the global stream thread), any readers. The writer records a key's count before it
 * publishes the count, so a reader that sees a count also sees every key written up to it; and it
 * publishes a delete's count before it forgets the key, while a reader looks at the key before the
 * delete count, so a write that a delete made the map forget is never missed by both looks.
 */
final class TableChanges {
    private final Map<String, Long> lastWritten = new ConcurrentHashMap<>();
    private volatile long count;
    private volatile long lastDeleteAt;

    /** The number of writes so far; read it before the store, so a write after it shows at the next look. */
    long count() {
        return count;
    }

    /** The count at the latest delete (0 before any). */
    long lastDeleteAt() {
        return lastDeleteAt;
    }

    /** Whether the table's entry for {@code key} may differ from what it was when the count was {@code at}. */
    boolean changedSince(String key, long at) {
        // The key's entry before the delete count: a delete publishes its count before it forgets the
        // key, so a write forgotten by a delete is seen here or the delete is.
        Long written = lastWritten.get(key);
        return (written != null && written > at) || lastDeleteAt > at;
    }

    /** The updater wrote {@code key} (after its store write). */
    void written(String key) {
        long next = count + 1;
        lastWritten.put(key, next);
        count = next;
    }

    /** The updater deleted {@code key} (after its store delete). */
    void deleted(String key) {
        long next = count + 1;
        lastDeleteAt = next;
        lastWritten.remove(key);
        count = next;
    }
}
