package dev.perch.kubernetes;

import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Writes the reports to apps' owners (conditions and Events) at no more than the token bucket's
 * rate, from one thread of its own, so that a pass over 10,000 apps does not flood the API server
 * and the controller never waits on it. Reports wait coalesced ({@link PendingReports}); a write
 * that fails is logged and not tried again — each report is made again by the next pass or
 * telemetry window that finds it still true, as when the writes were synchronous.
 */
final class PacedWrites implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PacedWrites.class);

    private final PendingReports pending = new PendingReports();
    private final Object signal = new Object();
    private final TokenBucket bucket;
    private final Consumer<PendingReports.Report> writer;
    private final Thread thread;
    private volatile boolean closed;

    /** {@code writer} makes one report's write; it runs on this object's thread only. */
    PacedWrites(TokenBucket bucket, Consumer<PendingReports.Report> writer, String threadName) {
        this.bucket = bucket;
        this.writer = writer;
        this.thread = new Thread(this::drain, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    void status(String app, String kind, Consumer<InferenceAppStatus> change) {
        pending.status(app, kind, change);
        wake();
    }

    void event(InferenceApp target, String reason, String message) {
        pending.event(target, reason, message);
        wake();
    }

    /** See {@link PendingReports#takeStatus}. */
    Optional<PendingReports.StatusReport> takeStatus(String app) {
        return pending.takeStatus(app);
    }

    /** How many writes are waiting. */
    int waiting() {
        return pending.size();
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private void drain() {
        while (!closed) {
            try {
                synchronized (signal) {
                    while (pending.size() == 0 && !closed) {
                        signal.wait();
                    }
                }
            } catch (InterruptedException e) {
                return;
            }
            long wait = bucket.nanosUntilToken();
            if (wait > 0) {
                LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(200)));
                continue;
            }
            // Polled only with a token in hand, so the report written is the freshest there is.
            Optional<PendingReports.Report> next = bucket.tryTake() ? pending.poll() : Optional.empty();
            if (next.isPresent()) {
                try {
                    writer.accept(next.get());
                } catch (RuntimeException e) {
                    LOG.warnf("report on %s not written: %s", next.get().app(), e.getMessage());
                }
            }
        }
    }

    /** Stops writing; what still waits is dropped (a new leader reports again what is still true). */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pending.size() > 0) {
            LOG.infof("%d reports to apps' owners not written at shutdown", pending.size());
        }
    }
}
