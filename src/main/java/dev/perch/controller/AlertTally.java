package dev.perch.controller;

import dev.perch.telemetry.AlertRecord;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the alerts the controller received, and when each app's first {@code impending} one was. */
public final class AlertTally {
    private final AtomicLong alerts = new AtomicLong();
    private final Map<String, Long> firstImpendingWindowEndMs = new ConcurrentHashMap<>();

    public void received(AlertRecord alert) {
        alerts.incrementAndGet();
        if (AlertRecord.IMPENDING.equals(alert.kind())) {
            firstImpendingWindowEndMs.merge(alert.app(), alert.windowEndMs(), Math::min);
        }
    }

    public long alerts() {
        return alerts.get();
    }

    public Optional<Long> firstImpendingWindowEndMs(String app) {
        return Optional.ofNullable(firstImpendingWindowEndMs.get(app));
    }
}
