package dev.perch.runtime;

import dev.perch.model.profile.ScenarioReader;
import dev.perch.streams.PerchTopology;
import dev.perch.streams.TopologySettings;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The store gauges: one per store the committed topology description names, reading a running topology's stores. */
class TopologyStoreGaugesTest {
    private static Topology topology() {
        return PerchTopology.build(TopologySettings.defaults(ScenarioReader.defaultCatalog()));
    }

    @Test
    void oneGaugePerStoreOfTheTopology() throws Exception {
        Set<String> committed = new TreeSet<>();
        Matcher stores = Pattern.compile("\\(stores: \\[([^\\]]*)]\\)").matcher(Files.readString(Path.of("topology/topology.txt")));
        while (stores.find()) {
            Arrays.stream(stores.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(committed::add);
        }
        assertFalse(committed.isEmpty());
        assertEquals(committed, TopologyStoreGauges.storeNames(topology().describe()));
    }

    @Test
    void aRunningTopologysTablesAreCountedEntryByEntry() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, null)) {
            TopicAdmin.ensureTopics(broker.bootstrapServers());
            try (KafkaProducer<String, byte[]> producer = Pipeline.telemetryProducer(broker.bootstrapServers(), "gauges-test", 0)) {
                for (int i = 0; i < 7; i++) {
                    AppRecord app = new AppRecord(AppRecord.SCHEMA, "app-" + i, "mobilenet_v2", 5, 100, "mean", 60, null, null,
                            null, 0);
                    producer.send(new ProducerRecord<>(Topics.APPS, app.app(), Json.writeBytes(app))).get();
                }
                producer.send(new ProducerRecord<>(Topics.APPS, "app-0", Json.writeBytes(new AppRecord(AppRecord.SCHEMA,
                        "app-0", "mobilenet_v2", 9, 100, "mean", 60, null, null, null, 1)))).get(); // an update, not an entry
                for (int n = 0; n < 3; n++) {
                    InventoryRecord node = new InventoryRecord(InventoryRecord.SCHEMA, "pi-" + n, 4096, 10, 2,
                            List.of(new InventoryRecord.Entry("pi-" + n + "/tpu0", "edgetpu")), 0);
                    producer.send(new ProducerRecord<>(Topics.INVENTORY, node.node(), Json.writeBytes(node))).get();
                }
            }
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "gauges-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("gauges-test-").toString());
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            Topology topology = topology();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (KafkaStreams streams = new KafkaStreams(topology, props)) {
                TopologyStoreGauges.register(registry, streams, topology.describe());
                streams.start(); // global tables are restored before RUNNING
                Pipeline.awaitRunning(streams);
                System.gc(); // the gauges' counts must survive a collection: Micrometer holds its state weakly by default
                assertEquals(7.0, registry.get(TopologyStoreGauges.STORE_ENTRIES).tag("store", "apps-store").gauge().value());
                assertEquals(3.0, registry.get(TopologyStoreGauges.STORE_ENTRIES).tag("store", "inventory-store").gauge().value());
            }
        }
    }
}
