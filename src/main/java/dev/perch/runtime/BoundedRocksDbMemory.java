package dev.perch.runtime;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One bound on the off-heap memory of every RocksDB store of the topology in this process
 * ({@code kafka-streams.rocksdb.config.setter}): block cache, index and filter blocks and memtables
 * all count against one LRU cache of {@value #MEMORY_MB_CONFIG} MiB (default {@value #DEFAULT_MEMORY_MB}),
 * memtables at most half of it. The bound is soft by what is in use at a moment (pinned index blocks,
 * memtables being written): a strict one would fail reads instead. Kafka Streams' default gives each store instance its own 50 MiB
 * block cache and 3 × 16 MiB memtables, so memory grew with stores × partitions (18 instances at
 * six partitions) as the stores filled: the soak at {@code mixed-100} saw the process's native memory
 * beyond heap and metaspace grow by some 150 MiB over 15 minutes. The recipe is Kafka Streams' own
 * ("Bounding memory usage", RocksDB section of the memory-management guide).
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    /** The bound, in MiB, read from the Streams configuration ({@code kafka-streams.perch.rocksdb.memory.mb}). */
    public static final String MEMORY_MB_CONFIG = "perch.rocksdb.memory.mb";
    public static final long DEFAULT_MEMORY_MB = 128;
    /** Index and filter blocks go first into the cache's high-priority part, so data blocks cannot push them out. */
    private static final double HIGH_PRIORITY_RATIO = 0.1;
    private static final long MIN_SHARD_MB = 4;

    /** The cache and the memtables' manager every store shares, per bound (tests use small ones). */
    record Shared(long bytes, Cache cache, WriteBufferManager writeBuffers) {
    }

    private static final Map<Long, Shared> SHARED = new ConcurrentHashMap<>();

    static {
        RocksDB.loadLibrary();
    }

    /** The memory every store of a process configured with {@code configs} shares. */
    static Shared shared(Map<String, Object> configs) {
        long bytes = memoryMb(configs) * 1024 * 1024;
        return SHARED.computeIfAbsent(bytes, b -> {
            Cache cache = new LRUCache(b, shardBits(b), false, HIGH_PRIORITY_RATIO);
            return new Shared(b, cache, new WriteBufferManager(b / 2, cache));
        });
    }

    /**
     * The cache's shards: as many as leave each at least {@value #MIN_SHARD_MB} MiB, at most 64. The
     * memtables' reservations are pinned entries of a quarter MiB, each in the shard its key hashes
     * to, and a shard holds its own capacity; RocksDB's default of shards down to half a MiB let a few
     * shards that drew more reservations than their share run the whole cache over its bound.
     */
    static int shardBits(long bytes) {
        long shards = Math.max(1, Math.min(64, bytes / (MIN_SHARD_MB * 1024 * 1024)));
        return 63 - Long.numberOfLeadingZeros(shards);
    }

    static long memoryMb(Map<String, Object> configs) {
        Object value = configs.get(MEMORY_MB_CONFIG);
        if (value == null) {
            return DEFAULT_MEMORY_MB;
        }
        long mb;
        try {
            mb = Long.parseLong(String.valueOf(value).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MEMORY_MB_CONFIG + " must be a whole number of MiB, got " + value);
        }
        if (mb < 8) {
            throw new IllegalArgumentException(MEMORY_MB_CONFIG + " must be at least 8 MiB, got " + mb);
        }
        return mb;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared shared = shared(configs);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(shared.writeBuffers());
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the manager outlive any one store: every store of the process shares them.
    }
}
