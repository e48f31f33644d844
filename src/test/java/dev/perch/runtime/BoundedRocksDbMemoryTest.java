package dev.perch.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundedRocksDbMemoryTest {
    private static final long MIB = 1024 * 1024;

    /**
     * Three stores, each written and read back with more than the bound of incompressible data: on
     * their own each would cache up to its 50 MiB default; configured here they hold, together,
     * about the bound in block cache, index and filter blocks, and memtables.
     */
    @Test
    void storesTogetherStayWithinTheBound(@TempDir Path dir) throws RocksDBException {
        long boundMb = 16;
        Map<String, Object> configs = Map.of(BoundedRocksDbMemory.MEMORY_MB_CONFIG, String.valueOf(boundMb));
        BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
        List<Options> options = new ArrayList<>();
        List<RocksDB> stores = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                // As Kafka Streams hands a store's options to the setter: a block-based table, 3 × 16 MiB memtables.
                Options o = new Options().setCreateIfMissing(true).setCompressionType(CompressionType.NO_COMPRESSION)
                        .setWriteBufferSize(16 * MIB).setMaxWriteBufferNumber(3).setTableFormatConfig(new BlockBasedTableConfig());
                setter.setConfig("store-" + i, o, configs);
                options.add(o);
                stores.add(RocksDB.open(o, dir.resolve("store-" + i).toString()));
            }
            SplittableRandom random = new SplittableRandom(7);
            int values = (int) (3 * boundMb * MIB / 2 / 1024); // 1 KiB values: 1.5 times the bound per store
            for (RocksDB store : stores) {
                for (int k = 0; k < values; k++) {
                    byte[] value = new byte[1024];
                    random.nextBytes(value);
                    store.put(key(k), value);
                }
            }
            for (RocksDB store : stores) {
                for (int k = 0; k < values; k += 3) {
                    assertEquals(1024, store.get(key(k)).length);
                }
            }
            // Memtables the write-buffer manager has switched out stay charged until their background
            // flush ends; how far behind those flushes are depends on the machine's load, so the
            // bound is read once they have ended (the active memtables still count).
            for (RocksDB store : stores) {
                awaitFlushesEnded(store);
            }
            var cache = BoundedRocksDbMemory.shared(configs).cache();
            long cached = cache.getUsage();
            // The cache may run over by what is in use and cannot be evicted at that moment (memtable
            // reservations, pinned index blocks): RocksDB's LRU cache without a strict limit, which
            // would fail reads instead. Each shard holds its own capacity, so shards too small for the
            // reservations they draw ran it over by up to a tenth (BoundedRocksDbMemory.shardBits).
            assertTrue(cached <= 1.05 * boundMb * MIB, "shared cache holds " + cached + " bytes, over the bound of " + boundMb + " MiB");
            for (RocksDB store : stores) {
                // Each store reports the one cache's usage: they share it rather than each having its own.
                long reported = Long.parseLong(store.getProperty("rocksdb.block-cache-capacity"));
                assertEquals(boundMb * MIB, reported);
            }
        } finally {
            stores.forEach(RocksDB::close);
            options.forEach(Options::close);
        }
    }

    @Test
    void shardsOfAtLeastFourMibAndAtMostSixtyFour() {
        assertEquals(1, BoundedRocksDbMemory.shardBits(8 * MIB), "2 shards of 4 MiB");
        assertEquals(0, BoundedRocksDbMemory.shardBits(7 * MIB), "one shard below 8 MiB");
        assertEquals(2, BoundedRocksDbMemory.shardBits(16 * MIB), "4 shards of 4 MiB");
        assertEquals(5, BoundedRocksDbMemory.shardBits(128 * MIB), "32 shards of 4 MiB");
        assertEquals(6, BoundedRocksDbMemory.shardBits(4096 * MIB), "at most 64 shards");
    }

    @Test
    void everyStoreOfAProcessGetsTheSameCacheAndTheDefaultBound() {
        assertSame(BoundedRocksDbMemory.shared(Map.of()), BoundedRocksDbMemory.shared(Map.of()));
        assertEquals(BoundedRocksDbMemory.DEFAULT_MEMORY_MB * MIB, BoundedRocksDbMemory.shared(Map.of()).bytes());
    }

    @Test
    void aBoundThatIsNotAWholeNumberOfMibOrTooSmallIsSaidInOneLine() {
        var notNumber = assertThrows(IllegalArgumentException.class,
                () -> BoundedRocksDbMemory.memoryMb(Map.of(BoundedRocksDbMemory.MEMORY_MB_CONFIG, "lots")));
        assertTrue(notNumber.getMessage().contains("lots"));
        assertThrows(IllegalArgumentException.class,
                () -> BoundedRocksDbMemory.memoryMb(Map.of(BoundedRocksDbMemory.MEMORY_MB_CONFIG, "4")));
    }

    private static void awaitFlushesEnded(RocksDB store) throws RocksDBException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!(store.getLongProperty("rocksdb.num-immutable-mem-table") == 0
                && store.getLongProperty("rocksdb.num-running-flushes") == 0)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("RocksDB flushes did not end within a minute");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
    }

    private static byte[] key(int k) {
        return String.format(java.util.Locale.ROOT, "key-%08d", k).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
