package dev.perch.controller.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each app's latest events, at most {@code perApp} each and {@code total} over all apps; past either
 * bound the oldest written go first. Events are few (alerts and decisions, not windows), so one
 * object each. Not thread-safe: {@link LiveHistory} guards it.
 */
final class EventLog {
    private record Entry(String app, HistoryEvent event) {
    }

    private final int perApp;
    private final int total;
    private final Map<String, ArrayDeque<HistoryEvent>> byApp = new HashMap<>();
    /** Every event in the order written, including those an app's own bound already dropped. */
    private final ArrayDeque<Entry> written = new ArrayDeque<>();

    EventLog(int perApp, int total) {
        if (perApp < 1 || total < 1) {
            throw new IllegalArgumentException("an event log holds at least one event, got " + perApp + " and " + total);
        }
        this.perApp = perApp;
        this.total = total;
    }

    void add(String app, HistoryEvent event) {
        ArrayDeque<HistoryEvent> events = byApp.computeIfAbsent(app, k -> new ArrayDeque<>());
        events.addLast(event);
        if (events.size() > perApp) {
            events.pollFirst();
        }
        written.addLast(new Entry(app, event));
        while (written.size() > total) {
            Entry oldest = written.pollFirst();
            ArrayDeque<HistoryEvent> of = byApp.get(oldest.app());
            // Identity: the app's oldest is this very event unless the app's own bound dropped it already.
            if (of != null && of.peekFirst() == oldest.event()) {
                of.pollFirst();
                if (of.isEmpty()) {
                    byApp.remove(oldest.app());
                }
            }
        }
    }

    /** The app's events from {@code fromMs} to {@code toMs} inclusive, oldest first. */
    List<HistoryEvent> events(String app, long fromMs, long toMs) {
        ArrayDeque<HistoryEvent> events = byApp.get(app);
        if (events == null) {
            return List.of();
        }
        List<HistoryEvent> found = new ArrayList<>();
        for (HistoryEvent event : events) {
            if (event.atMs() >= fromMs && event.atMs() <= toMs) {
                found.add(event);
            }
        }
        // Alerts and decisions come in on different paths, so not always in time order.
        found.sort(Comparator.comparingLong(HistoryEvent::atMs));
        return found;
    }

    boolean has(String app) {
        return byApp.containsKey(app);
    }
}
