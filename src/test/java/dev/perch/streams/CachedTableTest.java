package dev.perch.streams;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CachedTableTest {
    @Test
    void aChangeCountedByTheTableIsSeenAndEntriesAreOtherwiseKept() {
        KeyValueStore<String, String> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("t"),
                Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        AtomicLong changes = new AtomicLong();
        CachedTable<String> table = new CachedTable<>(store, changes);
        store.put("a", "pi-1/tpu0");
        assertEquals("pi-1/tpu0", table.get("a"));
        assertNull(table.get("b"));

        // Written without counting: the table keeps what it read (this is why the updater counts).
        store.put("a", "pi-2/tpu0");
        store.put("b", "pi-1/tpu0");
        assertEquals("pi-1/tpu0", table.get("a"));
        assertNull(table.get("b"));

        changes.incrementAndGet();
        assertEquals("pi-2/tpu0", table.get("a"));
        assertEquals("pi-1/tpu0", table.get("b"));
    }
}
