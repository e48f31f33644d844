package dev.perch.kubernetes;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reports to apps' owners waiting for their turn at the API server, coalesced: one entry per app's
 * status and one per app's Event reason, in the order each was first reported (an app reported
 * again keeps its place, so a busy app cannot starve the others). A status change of a kind already
 * waiting replaces it — the latest {@code SloAtRisk} wins — while changes of other kinds wait beside
 * it and go in the same write, so none is lost. Changes are functions applied to the status as the
 * server has it when written, so what Perch wrote in between is kept. The number of entries is
 * bounded by apps × kinds, however often apps are reported. Pure and thread-safe.
 */
final class PendingReports {
    /** What one write carries. */
    sealed interface Report permits StatusReport, EventReport {
        String app();
    }

    /** An app's waiting status changes, by kind (e.g. a condition type), in the order to apply them. */
    record StatusReport(String app, List<Consumer<InferenceAppStatus>> changes) implements Report {
        StatusReport {
            changes = List.copyOf(changes);
        }

        /** All the changes, in order, as one. */
        void applyTo(InferenceAppStatus status) {
            changes.forEach(change -> change.accept(status));
        }
    }

    /**
     * An Event waiting on {@code target}: its latest message, and {@code count}, how many different
     * messages of this reason it stands for (a message reported again while waiting is not counted twice).
     */
    record EventReport(InferenceApp target, String reason, String message, int count) implements Report {
        @Override
        public String app() {
            return target.getMetadata().getName();
        }
    }

    /** {@code reason} is null for the app's status. */
    private record Key(String app, String reason) {
    }

    private final Map<Key, Object> waiting = new LinkedHashMap<>();

    /** Queues {@code change} of {@code kind} to {@code app}'s status, replacing one of that kind still waiting. */
    @SuppressWarnings("unchecked")
    synchronized void status(String app, String kind, Consumer<InferenceAppStatus> change) {
        Map<String, Consumer<InferenceAppStatus>> changes = (Map<String, Consumer<InferenceAppStatus>>)
                waiting.computeIfAbsent(new Key(app, null), k -> new LinkedHashMap<String, Consumer<InferenceAppStatus>>());
        changes.put(kind, change);
    }

    /** Queues an Event; one of the same app and reason still waiting takes the latest message instead. */
    synchronized void event(InferenceApp target, String reason, String message) {
        Key key = new Key(target.getMetadata().getName(), reason);
        EventReport before = (EventReport) waiting.get(key);
        int count = before == null ? 1 : before.message().equals(message) ? before.count() : before.count() + 1;
        waiting.put(key, new EventReport(target, reason, message, count));
    }

    /** The report waiting longest, taken off the queue. */
    synchronized Optional<Report> poll() {
        Iterator<Map.Entry<Key, Object>> first = waiting.entrySet().iterator();
        if (!first.hasNext()) {
            return Optional.empty();
        }
        Map.Entry<Key, Object> entry = first.next();
        first.remove();
        return Optional.of(report(entry.getKey(), entry.getValue()));
    }

    /** {@code app}'s waiting status changes, taken off the queue: a write of its status now carries them. */
    synchronized Optional<StatusReport> takeStatus(String app) {
        Key key = new Key(app, null);
        Object changes = waiting.remove(key);
        return changes == null ? Optional.empty() : Optional.of((StatusReport) report(key, changes));
    }

    synchronized int size() {
        return waiting.size();
    }

    @SuppressWarnings("unchecked")
    private static Report report(Key key, Object value) {
        if (key.reason() == null) {
            return new StatusReport(key.app(), new ArrayList<>(((Map<String, Consumer<InferenceAppStatus>>) value).values()));
        }
        return (EventReport) value;
    }
}
