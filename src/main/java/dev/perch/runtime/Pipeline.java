package dev.perch.runtime;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

import java.util.Map;

/**
 * What the drivers that feed the topology share: a telemetry producer, and waiting for Streams to
 * run. The producer's settings are public so that {@code perch agent} publishes with the same ones.
 */
public final class Pipeline {
    private static final long START_TIMEOUT_MS = 120_000;

    private Pipeline() {
    }

    /** Idempotent, acknowledged by all replicas: a report is written once even when a send is retried. */
    public static KafkaProducer<String, byte[]> telemetryProducer(String bootstrapServers, String clientId, int lingerMs) {
        return telemetryProducer(bootstrapServers, clientId, lingerMs, Map.of());
    }

    /** The same producer with further settings on top (the node agent's shorter blocking time). */
    public static KafkaProducer<String, byte[]> telemetryProducer(String bootstrapServers, String clientId, int lingerMs,
                                                                  Map<String, Object> more) {
        return telemetryProducer(bootstrapServers, KafkaClientSecurity.NONE, clientId, lingerMs, more);
    }

    /** The same producer, connecting as {@code security} says. */
    public static KafkaProducer<String, byte[]> telemetryProducer(String bootstrapServers, KafkaClientSecurity security,
                                                                  String clientId, int lingerMs, Map<String, Object> more) {
        Map<String, Object> settings = security.clientSettings(bootstrapServers);
        settings.putAll(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, lingerMs,
                ProducerConfig.CLIENT_ID_CONFIG, clientId));
        settings.putAll(more);
        return new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("Kafka Streams did not reach RUNNING within " + START_TIMEOUT_MS / 1000
                        + " s (state " + streams.state() + ")");
            }
            Thread.sleep(50);
        }
    }
}
