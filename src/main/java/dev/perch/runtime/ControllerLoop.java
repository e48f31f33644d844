package dev.perch.runtime;

import org.jboss.logging.Logger;

/**
 * The controller's passes on a thread of their own, as a real cluster's controller runs apart from
 * the cluster: the demo's simulator announces each telemetry window ({@link #windowOut}) and goes on
 * at its own pace; this thread runs a pass after each window. The passes keep a fixed delay, as
 * {@code run}'s loop does: a pass that outlasts windows is followed by the next pass only at the
 * first window out after it ended, so a slow pass neither queues up work nor takes a core for
 * itself alone (the topology's stream thread needs its share to keep up), and never holds back the
 * simulator's windows. Alerts do not wait for a pass: the controller's inbox answers them as they
 * come.
 *
 * <p>What the passes decide reaches the simulator through its own lock ({@code SimulatedCluster} is
 * thread-safe): a placement or a move lands at the simulated time the simulator has reached then,
 * the end of a window, as the simulator runs each window under that lock.
 */
final class ControllerLoop implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControllerLoop.class);
    /** Generous: a first pass over thousands of apps takes seconds; the summary needs the last one done. */
    static final long CLOSE_TIMEOUT_MS = 120_000;

    private final Runnable pass;
    private final Thread thread;
    private long windowsOut;
    private long passes;
    private boolean closing;

    /** Starts the thread; it waits for the first window before its first pass. */
    ControllerLoop(Runnable pass) {
        this.pass = pass;
        this.thread = new Thread(this::loop, "perch-demo-controller");
        thread.setDaemon(true);
        thread.start();
    }

    /** A telemetry window is out: a pass follows (or, if one is running, the next one covers it). */
    synchronized void windowOut() {
        windowsOut++;
        notifyAll();
    }

    /** The passes run so far. */
    synchronized long passes() {
        return passes;
    }

    private void loop() {
        long atLastStart = 0;
        long atLastEnd = 0;
        while (true) {
            synchronized (this) {
                while (windowsOut == atLastEnd && !closing) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (closing && windowsOut == atLastStart) {
                    return; // every window announced came before a pass started
                }
                atLastStart = windowsOut;
            }
            try {
                pass.run();
            } catch (RuntimeException e) {
                // As the run mode's loop: one failed pass is logged, and the next window's pass tries again.
                LOG.warnf(e, "controller pass failed; the next window's pass tries again");
            }
            synchronized (this) {
                passes++;
                atLastEnd = windowsOut;
                if (closing && atLastEnd == atLastStart) {
                    return;
                }
            }
        }
    }

    /**
     * Stops once every window announced so far has had a pass start after it (the pass under way, and
     * one more if a window came during it), so that what the summary reads is settled.
     */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        try {
            thread.join(CLOSE_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warnf("the controller's pass did not end within %d s of the demo's end", CLOSE_TIMEOUT_MS / 1000);
        }
    }
}
