package dev.perch.agent;

import dev.perch.telemetry.Json;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Publishes windows to {@code perch.telemetry.v1}, keyed by accelerator, through an idempotent
 * producer, from a thread of its own: {@link #accept} only appends to a bounded buffer and returns,
 * so an unreachable Kafka never slows a scrape.
 *
 * <p>While Kafka cannot be reached the buffer fills; when it is full the oldest window makes room
 * for the newest (the topology learns most from the latest) and is counted as dropped. At most
 * {@value #MAX_IN_FLIGHT_WINDOWS} windows are handed to the producer unacknowledged, so the windows that
 * wait do so here, where the bound and the order are the agent's. A window the producer gives back
 * with a retriable error (no metadata within its blocking time, no acknowledgement within its
 * delivery timeout) goes back to the front of the buffer and is tried again — windows given back
 * together may then go out of order, which the topology accepts; one Kafka refuses for good (too
 * large, not authorised) is counted as dropped. Failing and recovering are each logged once.
 */
public final class KafkaSink implements WindowSink {
    private static final Logger LOG = Logger.getLogger(KafkaSink.class);
    /** About an hour of windows for a node with three apps at 1 s: an outage of that long loses nothing. */
    public static final int DEFAULT_BUFFER_WINDOWS = 10_000;
    static final int MAX_IN_FLIGHT_WINDOWS = 1_000;
    private static final long RETRY_PAUSE_MS = 1_000;
    private static final long CLOSE_WAIT_MS = 5_000;

    private final Producer<String, byte[]> producer;
    private final AgentMetrics metrics;
    private final int capacityWindows;
    private final ArrayDeque<TelemetryReport> buffer = new ArrayDeque<>();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT_WINDOWS);
    private final Thread publisher;
    private volatile boolean stopping;
    /** A window taken from the buffer and not yet handed to the producer: still waiting, for the gauge. */
    private volatile int inHand;
    private boolean failing; // guarded by this

    /** @param capacityWindows how many windows may wait for Kafka before the oldest is dropped */
    public KafkaSink(Producer<String, byte[]> producer, AgentMetrics metrics, int capacityWindows) {
        if (capacityWindows < 1) {
            throw new IllegalArgumentException("capacityWindows must be positive, got " + capacityWindows);
        }
        this.producer = producer;
        this.metrics = metrics;
        this.capacityWindows = capacityWindows;
        metrics.bufferedBy(this::buffered);
        publisher = new Thread(this::publish, "perch-agent-publisher");
        publisher.setDaemon(true);
        publisher.start();
    }

    @Override
    public void accept(TelemetryReport report) {
        synchronized (buffer) {
            if (buffer.size() >= capacityWindows) {
                buffer.pollFirst();
                metrics.dropped(AgentMetrics.DropReason.BUFFER_FULL);
            }
            buffer.addLast(report);
            buffer.notifyAll();
        }
    }

    /** Windows waiting for Kafka: in the buffer, and the one the publisher is trying to send. */
    public int buffered() {
        synchronized (buffer) {
            return buffer.size() + inHand;
        }
    }

    /** The windows waiting, oldest first. */
    java.util.List<TelemetryReport> waiting() {
        synchronized (buffer) {
            return java.util.List.copyOf(buffer);
        }
    }

    private void publish() {
        while (!stopping || buffered() > 0) {
            TelemetryReport next;
            try {
                next = take();
                if (next == null) {
                    continue;
                }
                if (!inFlight.tryAcquire(RETRY_PAUSE_MS, TimeUnit.MILLISECONDS)) {
                    putBack(next);
                    continue;
                }
            } catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
                continue;
            }
            try {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.TELEMETRY, next.accelerator(), Json.writeBytes(next));
                TelemetryReport sent = next;
                producer.send(record,
                        (metadata, error) -> {
                            inFlight.release();
                            if (error == null) {
                                metrics.published();
                                state(false, null);
                            } else if (error instanceof RetriableException) {
                                // Kafka not reachable (no metadata, no acknowledgement in time): the
                                // window waits again, and the buffer's bound decides what is dropped.
                                putBack(sent);
                                state(true, error);
                            } else {
                                metrics.dropped(AgentMetrics.DropReason.SEND_FAILED);
                                LOG.warnf("%s refused a window of %s: %s", Topics.TELEMETRY, sent.app(), error.getMessage());
                            }
                        });
                inHand = 0;
            } catch (RuntimeException e) {
                // No metadata within the producer's blocking time, or a closed producer: the window
                // is not lost, it waits at the front of the buffer for the next try.
                inFlight.release();
                putBack(next);
                if (stopping) {
                    return; // interrupted by close(), not a failure of Kafka's
                }
                state(true, e);
                if (!pause()) {
                    return;
                }
            }
        }
    }

    private TelemetryReport take() throws InterruptedException {
        synchronized (buffer) {
            if (buffer.isEmpty()) {
                buffer.wait(RETRY_PAUSE_MS);
            }
            TelemetryReport next = buffer.pollFirst();
            inHand = next == null ? 0 : 1;
            return next;
        }
    }

    /** Back at the front, unless newer windows have filled the buffer meanwhile: then it is the one to drop. */
    private void putBack(TelemetryReport report) {
        synchronized (buffer) {
            inHand = 0;
            if (buffer.size() >= capacityWindows) {
                metrics.dropped(AgentMetrics.DropReason.BUFFER_FULL);
            } else {
                buffer.addFirst(report);
            }
        }
    }

    private boolean pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
            return true;
        } catch (InterruptedException e) {
            return !stopping;
        }
    }

    private synchronized void state(boolean failed, Throwable error) {
        if (failed && !failing) {
            LOG.warnf("cannot publish to %s (%s); buffering up to %d windows, oldest dropped first", Topics.TELEMETRY,
                    error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage(), capacityWindows);
        } else if (!failed && failing) {
            LOG.infof("publishing to %s again", Topics.TELEMETRY);
        }
        failing = failed;
    }

    /** Gives the buffer a few seconds to drain, then closes the producer; what is left is counted as dropped. */
    @Override
    public void close() {
        stopping = true;
        try {
            publisher.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.interrupt();
        try {
            producer.close(Duration.ofMillis(CLOSE_WAIT_MS));
        } catch (RuntimeException e) {
            LOG.debugf(e, "closing the producer");
        }
        synchronized (buffer) {
            if (!buffer.isEmpty()) {
                LOG.warnf("stopping with %d windows not delivered to %s: dropped", buffer.size(), Topics.TELEMETRY);
            }
            for (int i = buffer.size(); i > 0; i--) {
                metrics.dropped(AgentMetrics.DropReason.SHUTDOWN);
            }
            buffer.clear();
            inHand = 0;
        }
    }
}
