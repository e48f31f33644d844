package dev.perch.bench;

import dev.perch.controller.LiveRates;
import dev.perch.controller.Reconciler;
import dev.perch.controller.RecordingOutputs;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.runtime.EmbeddedKafka;
import dev.perch.runtime.TopicAdmin;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code run} pays at start-up for reading the alerts topic from its start (a week of alerts,
 * {@code PerchMain.RUN_CONSUMERS}): N alerts of the past week — impending, violation and resolved in
 * turn, for 1,000 apps — are published to the embedded broker, then one consumer reads them all from
 * the earliest offset, read-committed, and hands each to a controller's {@link Reconciler#onAlert},
 * as the controller's inbox does. Prints the time from the consumer's creation to the last alert.
 *
 * <pre>mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.AlertReplay -Dbench=200000</pre>
 */
public final class AlertReplay {
    private AlertReplay() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int apps = 1_000;
        long weekMs = Duration.ofDays(7).toMillis();
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, null)) {
            String bootstrap = broker.bootstrapServers();
            TopicAdmin.ensureTopics(bootstrap);
            long now = System.currentTimeMillis();
            String[] kinds = {AlertRecord.IMPENDING, AlertRecord.VIOLATION, AlertRecord.RESOLVED};
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < count; i++) {
                    String app = String.format("app-%04d", i % apps);
                    String kind = kinds[(i / apps) % kinds.length];
                    long windowEndMs = now - weekMs + (long) i * weekMs / count;
                    AlertRecord alert = new AlertRecord(AlertRecord.SCHEMA, app + ":" + windowEndMs + ":" + kind, kind, app,
                            "pi-" + (i % 100) + "/tpu0", "pi-" + (i % 100), 200, "mean", 230.0, 240.0, 5.0, 150.0,
                            windowEndMs, "predicted mean 230 ms within 5 s, over the 200 ms SLO at 9.80 req/s");
                    producer.send(new ProducerRecord<>(Topics.ALERTS, app, Json.write(alert)));
                }
            }

            Scenario scenario = ScenarioReader.load("default");
            SimulatedCluster cluster = new SimulatedCluster(scenario, 1, now, 2000);
            Reconciler reconciler = Reconciler.builder(cluster, cluster, new SimClock(cluster::nowEpochMs))
                    .catalog(scenario.catalog()).rates(new LiveRates()).outputs(new RecordingOutputs(null, null, null)).build();
            long start = System.nanoTime();
            long read = 0;
            long earlier = 0;
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "perch-alert-replay",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(Topics.ALERTS).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long end = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
                while (read < end) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        AlertRecord alert = Json.read(record.value(), AlertRecord.class);
                        if (reconciler.raisedBeforeStart(alert)) {
                            earlier++;
                        }
                        reconciler.onAlert(alert);
                        read++;
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "alerts read again: %d (%d from before the start) in %.2f s, %.0f alerts/s%n",
                    read, earlier, seconds, read / seconds);
        }
    }
}
