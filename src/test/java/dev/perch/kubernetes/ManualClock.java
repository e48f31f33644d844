package dev.perch.kubernetes;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand, so ready timeouts pass without waiting. */
final class ManualClock extends Clock {
    private final AtomicLong nowMs;

    ManualClock(Instant start) {
        this.nowMs = new AtomicLong(start.toEpochMilli());
    }

    void advance(long ms) {
        nowMs.addAndGet(ms);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(nowMs.get());
    }
}
