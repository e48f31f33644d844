package dev.perch.controller;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The guard that keeps an app from being acted on again within a cooldown, so a move has time to
 * show its effect before the next alert about the same app can trigger another one.
 */
public final class Cooldown {
    private final Clock clock;
    private final Duration period;
    private final Map<String, Long> lastActedMs = new ConcurrentHashMap<>();

    public Cooldown(Clock clock, Duration period) {
        this.clock = clock;
        this.period = period;
    }

    public boolean allows(String app) {
        Long last = lastActedMs.get(app);
        return last == null || clock.millis() - last >= period.toMillis();
    }

    /** When the app may be acted on again, by this cooldown's clock (long past when it never was acted on). */
    long allowsFromMs(String app) {
        Long last = lastActedMs.get(app);
        return last == null ? Long.MIN_VALUE : last + period.toMillis();
    }

    long nowMs() {
        return clock.millis();
    }

    public void acted(String app) {
        lastActedMs.put(app, clock.millis());
    }

    public Duration period() {
        return period;
    }
}
