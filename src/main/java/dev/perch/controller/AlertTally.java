package dev.perch.controller;

import dev.perch.telemetry.AlertRecord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the alerts the controller received, when each app's first {@code impending} one was, and
 * how long after each resolution the app's alert was raised again — a raise sooner than the app's SLO
 * window after a resolution is a flap, the noise that teaches an operator to ignore alerts.
 */
public final class AlertTally {
    private final AtomicLong alerts = new AtomicLong();
    private final Map<String, Long> firstImpendingWindowEndMs = new ConcurrentHashMap<>();
    private final Map<String, Long> lastResolvedWindowEndMs = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> raisedAgainAfterMs = new ConcurrentHashMap<>();

    public void received(AlertRecord alert) {
        alerts.incrementAndGet();
        if (AlertRecord.IMPENDING.equals(alert.kind())) {
            firstImpendingWindowEndMs.merge(alert.app(), alert.windowEndMs(), Math::min);
        }
        if (AlertRecord.RESOLVED.equals(alert.kind())) {
            lastResolvedWindowEndMs.put(alert.app(), alert.windowEndMs());
            return;
        }
        Long resolved = lastResolvedWindowEndMs.remove(alert.app());
        if (resolved != null) {
            raisedAgainAfterMs.computeIfAbsent(alert.app(), a -> Collections.synchronizedList(new ArrayList<>()))
                    .add(alert.windowEndMs() - resolved);
        }
    }

    public long alerts() {
        return alerts.get();
    }

    public Optional<Long> firstImpendingWindowEndMs(String app) {
        return Optional.ofNullable(firstImpendingWindowEndMs.get(app));
    }

    /** How many times the app's alert was raised again sooner than {@code windowMs} after it was resolved. */
    public long flaps(String app, long windowMs) {
        List<Long> gaps = raisedAgainAfterMs.getOrDefault(app, List.of());
        synchronized (gaps) {
            return gaps.stream().filter(gap -> gap < windowMs).count();
        }
    }
}
