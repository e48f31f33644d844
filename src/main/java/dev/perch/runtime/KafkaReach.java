package dev.perch.runtime;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether Kafka answers, from one probe after another: DOWN once it has not answered for
 * {@code downAfterMs}, UP again at its first answer. Each probe's outcome goes in ({@link #answered},
 * {@link #noAnswer}); what comes out is a change, at most one per outage and one per return, so the
 * caller logs one line each way however long the outage and however often it probes.
 */
final class KafkaReach {
    /** One change of state, said as the log and the health check say it. */
    record Change(boolean up, String message) {
    }

    private final String address;
    private final long downAfterMs;
    private long lastAnswerMs;
    private boolean down;
    /** Why the last probe failed, when Kafka said why (it refused Perch's credentials or certificate); else null. */
    private String refusal;

    /**
     * @param address     Kafka's bootstrap address, as the reason names it
     * @param downAfterMs how long without an answer before Kafka counts as gone
     * @param startMs     when probing starts; silence is counted from here until the first answer
     */
    KafkaReach(String address, long downAfterMs, long startMs) {
        this.address = address;
        this.downAfterMs = downAfterMs;
        this.lastAnswerMs = startMs;
    }

    /** Kafka answered a probe at {@code nowMs}: UP again if it was DOWN. */
    synchronized Optional<Change> answered(long nowMs) {
        long silentMs = nowMs - lastAnswerMs;
        lastAnswerMs = nowMs;
        refusal = null;
        if (!down) {
            return Optional.empty();
        }
        down = false;
        return Optional.of(new Change(true, String.format(Locale.ROOT, "Kafka at %s answers again after %d s without an answer",
                address, Math.round(silentMs / 1000.0))));
    }

    /** A probe got no answer by {@code nowMs}: DOWN once the silence is long enough. */
    synchronized Optional<Change> noAnswer(long nowMs) {
        return noAnswer(nowMs, null);
    }

    /** {@link #noAnswer(long)}, with why Kafka refused the probe when it said so ({@code null} when it did not). */
    synchronized Optional<Change> noAnswer(long nowMs, String refusal) {
        this.refusal = refusal;
        if (down || nowMs - lastAnswerMs < downAfterMs) {
            return Optional.empty();
        }
        down = true;
        return Optional.of(new Change(false, reason(nowMs)));
    }

    synchronized boolean up() {
        return !down;
    }

    /** Why Kafka counts as gone at {@code nowMs}; empty while it answers. */
    synchronized Optional<String> downReason(long nowMs) {
        return down ? Optional.of(reason(nowMs)) : Optional.empty();
    }

    private String reason(long nowMs) {
        return String.format(Locale.ROOT, "Kafka at %s has not answered for %d s", address, (nowMs - lastAnswerMs) / 1000)
                + (refusal == null ? "" : ": " + refusal);
    }
}
