package dev.perch.streams;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CachedTableTest {
    private KeyValueStore<String, String> store;
    private final TableChanges changes = new TableChanges();
    private CachedTable<String> table;

    @BeforeEach
    void emptyTable() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("t"), Serdes.String(), Serdes.String())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        table = new CachedTable<>(store, changes);
    }

    @Test
    void anEntryIsKeptUntilItsOwnKeyIsWritten() {
        store.put("a", "pi-1/tpu0");
        store.put("b", "pi-1/tpu0");
        assertEquals("pi-1/tpu0", table.get("a"));
        assertEquals("pi-1/tpu0", table.get("b"));

        // Written without telling: the table keeps what it read (this is why the updater tells).
        store.put("a", "pi-2/tpu0");
        store.put("b", "pi-2/tpu0");
        assertEquals("pi-1/tpu0", table.get("a"));
        assertEquals("pi-1/tpu0", table.get("b"));

        changes.written("a");
        assertEquals("pi-2/tpu0", table.get("a"));
        assertEquals("pi-1/tpu0", table.get("b"), "a write of another key leaves b's entry as read");

        changes.written("b");
        assertEquals("pi-2/tpu0", table.get("b"));
    }

    @Test
    void aKeyNotInTheTableIsNotKept() {
        assertNull(table.get("c"));
        store.put("c", "pi-3/tpu0"); // not told yet: an absent key is looked up again, so it shows anyway
        assertEquals("pi-3/tpu0", table.get("c"));
    }

    @Test
    void aDeleteIsSeenAndEveryEntryIsReadAgainAfterIt() {
        store.put("a", "pi-1/tpu0");
        store.put("b", "pi-1/tpu0");
        assertEquals("pi-1/tpu0", table.get("a"));
        assertEquals("pi-1/tpu0", table.get("b"));

        store.delete("a");
        store.put("b", "pi-3/tpu0"); // not told: only the delete makes b's entry be read again
        changes.deleted("a");
        assertNull(table.get("a"));
        assertEquals("pi-3/tpu0", table.get("b"));
    }

    @Test
    void aWriteCountedBeforeTheReadIsNotMistakenForALaterOne() {
        store.put("a", "pi-1/tpu0");
        changes.written("a");
        assertEquals("pi-1/tpu0", table.get("a"));
        store.put("a", "pi-2/tpu0");
        assertEquals("pi-1/tpu0", table.get("a"), "the store changed without a write told: kept");
        changes.written("a");
        assertEquals("pi-2/tpu0", table.get("a"));
    }
}
