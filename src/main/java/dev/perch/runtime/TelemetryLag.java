package dev.perch.runtime;

import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Measures, from outside the topology, how long after a telemetry window's end the topology has
 * consumed it: the demo notes each window as its reports are out ({@link #windowOut}), and a thread
 * polls the topology group's committed offsets. With exactly-once the offsets commit atomically with
 * the topology's outputs, so "committed" means the window's predictions and alerts are visible too.
 */
final class TelemetryLag implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TelemetryLag.class);
    /** The topology commits every 100 ms; polling as often resolves a window's lag to about that. */
    static final long POLL_MS = 100;
    private static final long LOG_EVERY_NS = TimeUnit.SECONDS.toNanos(10);

    private final Admin admin;
    private final String groupId;
    private final LagLedger ledger = new LagLedger();
    private volatile long maxOutLateNs;
    /** When the lag was last logged (DEBUG): a run's course, not only its largest, shows where it grew. */
    private long loggedNs = System.nanoTime();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "perch-telemetry-lag");
        thread.setDaemon(true);
        return thread;
    });

    TelemetryLag(Admin admin, String groupId) {
        this.admin = admin;
        this.groupId = groupId;
        poller.scheduleWithFixedDelay(this::poll, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
    }

    /** A window ended at {@code windowEndNs} ({@link System#nanoTime()}) and its reports are on the topic. */
    void windowOut(long windowEndNs) {
        maxOutLateNs = Math.max(maxOutLateNs, System.nanoTime() - windowEndNs);
        try {
            Map<TopicPartition, Long> ends = Offsets.end(admin, Topics.TELEMETRY, IsolationLevel.READ_UNCOMMITTED);
            ledger.windowOut(windowEndNs, ends);
        } catch (ExecutionException e) {
            LOG.debugf("telemetry lag: could not read the topic's end, window not measured: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The largest lag over the run so far, in seconds (null when no window was measured). */
    Double maxLagSec() {
        poll();
        return ledger.maxLagSec(System.nanoTime());
    }

    /**
     * The most a window's reports were out after its end, in seconds: the part of the lag that is the
     * demo behind its schedule (a long controller pass, publishing) rather than the topology.
     */
    double maxOutLateSec() {
        return maxOutLateNs / 1e9;
    }

    /** Synchronized: the poller and the summary's {@link #maxLagSec} both call it, and it keeps {@code loggedNs}. */
    private synchronized void poll() {
        if (!ledger.waiting()) {
            return;
        }
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get();
            long nowNs = System.nanoTime();
            Map<TopicPartition, Long> committed = new HashMap<>();
            offsets.forEach((tp, position) -> {
                if (position != null) {
                    committed.put(tp, position.offset());
                }
            });
            ledger.committed(committed, nowNs);
            if (LOG.isDebugEnabled() && nowNs - loggedNs >= LOG_EVERY_NS) {
                loggedNs = nowNs;
                LOG.debugf("telemetry lag: %.1f s now, at most %.1f s so far", ledger.lagNowSec(nowNs),
                        ledger.maxLagSec(nowNs));
            }
        } catch (ExecutionException e) {
            LOG.debugf("telemetry lag: could not read the topology's offsets, retrying: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The admin client closing under the poller at the end of the run.
            LOG.debugf("telemetry lag: %s", e.toString());
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
