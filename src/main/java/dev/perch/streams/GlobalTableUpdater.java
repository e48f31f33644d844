package dev.perch.streams;

import dev.perch.telemetry.Json;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a global store equal to a compacted topic of Perch's own records: a value replaces, a
 * tombstone deletes, and a record that does not parse is logged and skipped rather than stopping the
 * global thread (these topics are written by the controller, not by producers).
 */
final class GlobalTableUpdater<T> implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalTableUpdater.class);

    private final String storeName;
    private final Class<T> type;
    private final TableChanges changes;
    private KeyValueStore<String, T> store;

    /** @param changes told of every write, for the stream threads' {@link CachedTable}s */
    GlobalTableUpdater(String storeName, Class<T> type, TableChanges changes) {
        this.storeName = storeName;
        this.type = type;
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            LOG.warn("{}: skipping a record without a key", storeName);
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            changes.deleted(record.key());
            return;
        }
        try {
            store.put(record.key(), Json.read(record.value(), type));
            changes.written(record.key());
        } catch (RuntimeException e) {
            LOG.warn("{}: skipping unreadable record for key {}: {}", storeName, record.key(), e.getMessage());
        }
    }
}
