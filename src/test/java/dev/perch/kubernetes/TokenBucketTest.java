package dev.perch.kubernetes;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token bucket on a clock stepped by hand: rates and waits worked out from its definition. */
class TokenBucketTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private int takeAll(TokenBucket bucket) {
        int taken = 0;
        while (bucket.tryTake()) {
            taken++;
        }
        return taken;
    }

    @Test
    void startsFullWithTheBurstThenGivesTheRate() {
        TokenBucket bucket = new TokenBucket(5, 10, nanos::get);
        assertEquals(10, takeAll(bucket), "a full bucket holds the burst");
        nanos.addAndGet(1_000_000_000L);
        assertEquals(5, takeAll(bucket), "one second at 5/s refills 5");
        nanos.addAndGet(60_000_000_000L);
        assertEquals(10, takeAll(bucket), "a minute idle refills no more than the burst");
    }

    @Test
    void overTenSecondsTakesRateTimesTenPlusTheBurst() {
        TokenBucket bucket = new TokenBucket(50, 100, nanos::get);
        int taken = 0;
        for (int ms = 0; ms <= 10_000; ms++) {
            taken += takeAll(bucket);
            nanos.addAndGet(1_000_000L);
        }
        assertEquals(100 + 50 * 10, taken);
    }

    @Test
    void saysHowLongUntilTheNextToken() {
        TokenBucket bucket = new TokenBucket(4, 1, nanos::get);
        assertEquals(0, bucket.nanosUntilToken());
        assertTrue(bucket.tryTake());
        assertEquals(250_000_000L, bucket.nanosUntilToken(), "at 4/s a token every 250 ms");
        nanos.addAndGet(100_000_000L);
        assertEquals(150_000_000L, bucket.nanosUntilToken());
        assertFalse(bucket.tryTake());
        nanos.addAndGet(150_000_000L);
        assertTrue(bucket.tryTake());
    }

    @Test
    void aClockSteppingBackTakesNothingAway() {
        TokenBucket bucket = new TokenBucket(1, 2, nanos::get);
        assertTrue(bucket.tryTake());
        nanos.addAndGet(-5_000_000_000L);
        assertTrue(bucket.tryTake());
        assertFalse(bucket.tryTake());
    }

    @Test
    void refusesRatesThatCannotPace() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, nanos::get));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(Double.NaN, 1, nanos::get));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0.5, nanos::get));
    }
}
