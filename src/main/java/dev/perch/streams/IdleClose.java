package dev.perch.streams;

import java.time.Duration;

/**
 * When an accelerator's open window is predicted although not every app it expects has reported it
 * and no later window has begun: the reports that stopped coming are not waited for any longer.
 * <ul>
 *   <li>{@link AfterSilence} (a live cluster): once the accelerator has been silent for a while, on
 *   the wall clock — a node that stops publishing must not hold its accelerator's alerts back.</li>
 *   <li>{@link AtEndOfInput} (a replay of a recording): only once the whole recording is in. On a
 *   bounded input a pause is the pipeline's own (start-up, a slow commit, a busy machine), not the
 *   node's, and closing a window on it would make what a replay learns depend on how fast the
 *   machine ran it.</li>
 * </ul>
 * Read by the topology's stream threads and set by the replay's driver thread.
 */
public sealed interface IdleClose {
    /** The live rule: half a second, a fraction of a window, well above a commit's pause. */
    IdleClose LIVE = new AfterSilence(Duration.ofMillis(500));

    /** Whether a window open on an accelerator silent for {@code silentMs} (wall clock) is predicted now. */
    boolean due(long silentMs);

    /**
     * Tells the topology that its bounded input has been read whole (every report processed and
     * committed): windows left open are predicted at the next wall-clock tick.
     */
    void inputEnded();

    record AfterSilence(Duration silence) implements IdleClose {
        public AfterSilence {
            if (silence.isNegative() || silence.isZero()) {
                throw new IllegalArgumentException("silence must be positive: " + silence);
            }
        }

        @Override
        public boolean due(long silentMs) {
            return silentMs >= silence.toMillis();
        }

        /** A live cluster's telemetry has no end. */
        @Override
        public void inputEnded() {
        }
    }

    final class AtEndOfInput implements IdleClose {
        private volatile boolean ended;

        @Override
        public boolean due(long silentMs) {
            return ended;
        }

        @Override
        public void inputEnded() {
            ended = true;
        }
    }
}
