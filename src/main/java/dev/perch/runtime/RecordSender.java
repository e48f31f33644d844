package dev.perch.runtime;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends the controller's records to Kafka through one plain producer. A send waits for room when the
 * producer's buffer is full (for at most {@code max.block.ms}) instead of failing, so a pass that
 * emits thousands of decisions slows down to the broker's pace rather than losing or crashing
 * (docs/decisions/0009). A send that finally fails (broker gone past {@code delivery.timeout.ms}) is
 * counted and logged once until sends succeed again, and {@link #failure()} says so for the health check;
 * it never throws to the controller.
 */
public final class RecordSender implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RecordSender.class);
    /** How long a send may wait for room or for the topic's metadata before it counts as failed. */
    static final int MAX_BLOCK_MS = 10_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Producer<String, String> producer;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final AtomicLong failed = new AtomicLong();

    public RecordSender(Producer<String, String> producer) {
        this.producer = producer;
    }

    /** A sender with its own producer, configured from {@code base} (Quarkus' {@code kafka.*} settings). */
    public static RecordSender create(Map<String, Object> base) {
        return new RecordSender(new KafkaProducer<>(settings(base), new StringSerializer(), new StringSerializer()));
    }

    /**
     * The producer settings: the connection settings shared by every Kafka client of the application
     * (bootstrap servers, security), keeping only what a producer knows; then what the outputs need —
     * idempotent and acknowledged by all replicas, so a retried send neither duplicates nor reorders a
     * key's records, and a bounded wait for room.
     */
    static Map<String, Object> settings(Map<String, Object> base) {
        Map<String, Object> settings = new HashMap<>();
        base.forEach((key, value) -> {
            if (ProducerConfig.configNames().contains(key)) {
                settings.put(key, value);
            }
        });
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        settings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        settings.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        settings.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "perch-controller-outputs");
        settings.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return settings;
    }

    /** Sends one record; waits while the producer's buffer is full; never throws. */
    public void send(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error == null) {
                    succeeded();
                } else {
                    failed(topic, error);
                }
            });
        } catch (RuntimeException e) {
            // Closed at shutdown, interrupted while waiting for room, or no room within max.block.ms.
            failed(topic, e);
        }
    }

    /** Waits until every record sent so far is acknowledged or has failed. */
    public void flush() {
        try {
            producer.flush();
        } catch (RuntimeException e) {
            failed("(flush)", e);
        }
    }

    /** Why sends are failing, or empty while they succeed. */
    public Optional<String> failure() {
        return failing.get() ? Optional.ofNullable(lastError.get()) : Optional.empty();
    }

    /** Records that could not be sent, over the sender's life. */
    public long failedRecords() {
        return failed.get();
    }

    @Override
    public void close() {
        try {
            producer.close(CLOSE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warnf("closing the outputs' producer: %s", e.toString());
        }
    }

    private void succeeded() {
        if (failing.compareAndSet(true, false)) {
            LOG.infof("sends to Kafka succeed again; %d records were lost while they failed", failed.get());
        }
    }

    private void failed(String topic, Exception error) {
        failed.incrementAndGet();
        String reason = topic + ": " + error;
        lastError.set(reason);
        if (failing.compareAndSet(false, true)) {
            LOG.errorf("sends to Kafka are failing; the controller goes on, its records are lost until they succeed again: %s",
                    reason);
        }
    }
}
