package dev.perch.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/** A {@link Clock} that reads the simulated cluster's time, so cooldowns run in simulated seconds. */
public final class SimClock extends Clock {
    private final LongSupplier epochMs;

    public SimClock(LongSupplier epochMs) {
        this.epochMs = epochMs;
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
    public long millis() {
        return epochMs.getAsLong();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
