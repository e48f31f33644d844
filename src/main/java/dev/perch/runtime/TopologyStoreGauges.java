package dev.perch.runtime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.util.Set;
import java.util.TreeSet;

/**
 * {@value #STORE_ENTRIES}{@code {store}}: how many entries each of the topology's stores holds in this
 * instance, so an operator (and the soak in {@code loadtests/}) can see that state stays bounded as
 * apps and accelerators come and go. Counted exactly, by reading the store through interactive
 * queries, at most once per {@link #RECOUNT_MS} per store: RocksDB's own estimate counts every
 * overwrite until compaction, so it grows while the state does not. A store that cannot be read (a
 * rebalance) reads NaN.
 */
@ApplicationScoped
public class TopologyStoreGauges {
    public static final String STORE_ENTRIES = "perch_topology_store_entries";
    private static final Logger LOG = Logger.getLogger(TopologyStoreGauges.class);
    /** Scrapes come every few seconds; a count a little old is as good, and a large store is read less. */
    static final long RECOUNT_MS = 30_000;

    @Inject
    Instance<KafkaStreams> streams;
    @Inject
    Instance<Topology> topology;
    @Inject
    MeterRegistry registry;

    void onStart(@Observes StartupEvent event) {
        if (!streams.isResolvable() || !topology.isResolvable()) {
            return;
        }
        register(registry, streams.get(), topology.get().describe());
    }

    /** One gauge per store of {@code description}, read from {@code streams}. */
    static void register(MeterRegistry registry, KafkaStreams streams, TopologyDescription description) {
        for (String store : storeNames(description)) {
            Count count = new Count(streams, store);
            Gauge.builder(STORE_ENTRIES, count, Count::value)
                    .strongReference(true) // nothing else holds the count; a weak one would be collected, reading NaN
                    .tag("store", store)
                    .description("Entries in the topology's store in this instance, counted at most every 30 s")
                    .register(registry);
        }
    }

    /** Every store of the topology, its global tables' included, by the names {@code describe()} gives. */
    static Set<String> storeNames(TopologyDescription description) {
        Set<String> names = new TreeSet<>();
        for (TopologyDescription.GlobalStore global : description.globalStores()) {
            names.addAll(global.processor().stores());
        }
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    names.addAll(processor.stores());
                }
            }
        }
        return names;
    }

    /** One store's entries, counted again when the last count is older than {@link #RECOUNT_MS}. */
    private static final class Count {
        private final KafkaStreams streams;
        private final String store;
        private long countedAtMs = Long.MIN_VALUE;
        private double entries = Double.NaN;
        private boolean warned;

        Count(KafkaStreams streams, String store) {
            this.streams = streams;
            this.store = store;
        }

        synchronized double value() {
            long now = System.currentTimeMillis();
            if (now - countedAtMs >= RECOUNT_MS || Double.isNaN(entries)) {
                entries = count();
                countedAtMs = now;
            }
            return entries;
        }

        private double count() {
            if (streams.state() != KafkaStreams.State.RUNNING) {
                return Double.NaN;
            }
            try (KeyValueIterator<Object, Object> all = streams.store(
                    StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore())).all()) {
                long n = 0;
                while (all.hasNext()) {
                    all.next();
                    n++;
                }
                return n;
            } catch (InvalidStateStoreException e) {
                return Double.NaN; // a rebalance: the next scrape counts again
            } catch (RuntimeException e) {
                if (!warned) {
                    warned = true;
                    LOG.warnf("cannot count the entries of store %s (%s reads NaN): %s", store, STORE_ENTRIES, e);
                }
                return Double.NaN;
            }
        }
    }
}
