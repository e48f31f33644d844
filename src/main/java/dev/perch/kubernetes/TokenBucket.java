package dev.perch.kubernetes;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code perSec} tokens a second, up to {@code burst} held. Pure: time comes from
 * the injected nanosecond clock, so tests step it by hand. It paces Perch's reports to the API
 * server ({@link PacedWrites}); one token is one write.
 */
final class TokenBucket {
    private final double perSec;
    private final double burst;
    private final LongSupplier nanoTime;
    private double tokens;
    private long refilledAt;

    /** Starts full: a controller that has written nothing yet may write a burst at once. */
    TokenBucket(double perSec, double burst, LongSupplier nanoTime) {
        if (!(perSec > 0) || !Double.isFinite(perSec)) {
            throw new IllegalArgumentException("the rate must be a number of writes a second > 0, got " + perSec);
        }
        if (!(burst >= 1) || !Double.isFinite(burst)) {
            throw new IllegalArgumentException("the burst must be at least 1 write, got " + burst);
        }
        this.perSec = perSec;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.tokens = burst;
        this.refilledAt = nanoTime.getAsLong();
    }

    /** Takes a token if one is there; whether it did. */
    synchronized boolean tryTake() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** How long until a token is there (0 when one is). */
    synchronized long nanosUntilToken() {
        refill();
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perSec * 1e9);
    }

    private void refill() {
        long now = nanoTime.getAsLong();
        // A clock that steps back (it should not) adds nothing rather than taking tokens away.
        long elapsed = Math.max(0, now - refilledAt);
        tokens = Math.min(burst, tokens + elapsed * perSec / 1e9);
        refilledAt = now;
    }
}
