package dev.perch.faults;

import dev.perch.bench.TopologyInstance;
import dev.perch.bench.TopologyTakeover;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.runtime.EmbeddedKafka;
import dev.perch.runtime.Offsets;
import dev.perch.runtime.TopicAdmin;
import dev.perch.streams.PerchTopology;
import dev.perch.streams.TopologySettings;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A broker of its own (on a free port, in a directory of the fault's) with Perch's topics, and one
 * instance of Perch's topology on it, configured as users run it ({@link TopologyInstance#properties}):
 * what a fault that is about the topology publishes into and counts from.
 */
final class TopologyRig implements AutoCloseable {
    private final EmbeddedKafka broker;
    private final Admin admin;
    private final KafkaStreams streams;
    private final String applicationId;
    private final AtomicReference<Throwable> failure;

    private TopologyRig(EmbeddedKafka broker, Admin admin, KafkaStreams streams, String applicationId,
                        AtomicReference<Throwable> failure) {
        this.failure = failure;
        this.broker = broker;
        this.admin = admin;
        this.streams = streams;
        this.applicationId = applicationId;
    }

    /** Starts the broker in {@code dir}, creates the topics, and starts the topology; returns once it runs. */
    static TopologyRig start(Path dir, String applicationId) throws Exception {
        EmbeddedKafka broker = EmbeddedKafka.start(0, dir.resolve("kafka"));
        Admin admin = null;
        KafkaStreams streams = null;
        try {
            TopicAdmin.ensureTopics(broker.bootstrapServers(), Topics.DEFAULT_TELEMETRY_PARTITIONS);
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
            streams = new KafkaStreams(PerchTopology.build(TopologySettings.defaults(ScenarioReader.defaultCatalog())),
                    TopologyInstance.properties(broker.bootstrapServers(), applicationId, dir.resolve("state").toString()));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            // What Kafka Streams does when no handler is set (Perch sets none): stop the whole client; kept to say why.
            streams.setUncaughtExceptionHandler(e -> {
                failure.compareAndSet(null, e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the topology did not reach RUNNING within a minute: " + streams.state());
                }
                Thread.sleep(20);
            }
            return new TopologyRig(broker, admin, streams, applicationId, failure);
        } catch (Exception | Error e) {
            if (streams != null) {
                streams.close();
            }
            if (admin != null) {
                admin.close();
            }
            broker.close();
            throw e;
        }
    }

    String bootstrap() {
        return broker.bootstrapServers();
    }

    /** The topology's state, and why it stopped when it did. */
    String state() {
        Throwable cause = failure.get();
        String why = "";
        for (Throwable t = cause; t != null; t = t.getCause()) {
            why += (why.isEmpty() ? ": " : " <- ") + t.getClass().getSimpleName() + " " + String.valueOf(t.getMessage()).lines().findFirst().orElse("");
        }
        return streams.state() + why;
    }

    /**
     * Waits until the topology has committed past the last telemetry record, or has stopped, or
     * {@code timeout} has passed; true only in the first case.
     */
    boolean awaitCommittedPastEnd(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Offsets.committedPastEnd(admin, applicationId, Topics.TELEMETRY)) {
            KafkaStreams.State state = streams.state();
            if (System.nanoTime() > deadline || state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                    || state == KafkaStreams.State.PENDING_ERROR || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** The topology's own count of admitted reports ({@code reports-counted}, summed over its tasks). */
    long reportsCounted() {
        return TopologyTakeover.reportsCounted(streams);
    }

    /** Accelerator windows predicted in more than one committed prediction record. */
    long duplicates() throws Exception {
        return TopologyTakeover.countPredictions(broker.bootstrapServers(), admin).duplicates();
    }

    /** Every record of {@code topic} that is committed, read {@code read_committed}, in partition order. */
    List<ConsumerRecord<String, byte[]>> committed(String topic) throws Exception {
        Map<TopicPartition, Long> end = Offsets.end(admin, topic, IsolationLevel.READ_COMMITTED);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(end.keySet());
            consumer.seekToBeginning(end.keySet());
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        admin.close();
        broker.close();
    }
}
