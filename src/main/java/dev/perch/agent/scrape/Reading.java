package dev.perch.agent.scrape;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one scrape says of one server model, as the server counts it: since it started. A window is
 * the difference of two readings ({@link WindowFigures}).
 *
 * @param counters   every cumulative series read, by series key: a window needs the same series in
 *                   both readings and none lower in the second, or the server restarted
 * @param created    the {@code _created} value of each series that has one: a change means the
 *                   series was made anew, however high it has counted since
 * @param requests   completed requests
 * @param latency    end-to-end latency, summed; never null
 * @param service    time on the device, summed; null when the preset or page lacks it
 * @param queue      time in the server's queue, summed; null when absent
 * @param buckets    the latency histogram's cumulative buckets; null when latency has none
 * @param quantiles  the server's own latency quantiles at this scrape; null when it has none
 */
public record Reading(SortedMap<String, Double> counters, SortedMap<String, Double> created, double requests,
                      Total latency, Total service, Total queue, Buckets buckets, Quantiles quantiles) {
    public Reading {
        counters = Collections.unmodifiableSortedMap(new TreeMap<>(counters));
        created = Collections.unmodifiableSortedMap(new TreeMap<>(created));
    }

    /**
     * A summed timing in milliseconds, with its own count of observations when it has one
     * (histogram, summary) or {@code null} when it counts per request of the preset's counter.
     */
    public record Total(double sumMs, Double count) {
    }

    /** Cumulative {@code le} buckets: finite upper bounds in ms, ascending, and the count at or under each. */
    public record Buckets(List<Double> upperMs, List<Double> cumulative, double total) {
        public Buckets {
            upperMs = List.copyOf(upperMs);
            cumulative = List.copyOf(cumulative);
        }
    }

    /** The server's own percentiles in ms; any may be null. */
    public record Quantiles(Double p50Ms, Double p95Ms, Double p99Ms) {
    }

    /**
     * Why the counters between two readings do not describe one stretch of the same server's life,
     * or null when they do: a series appeared or disappeared (a model version loaded or unloaded), a
     * counter went down, or a series was created anew (the server restarted).
     */
    public static String breakBetween(Reading before, Reading after) {
        if (!before.counters.keySet().equals(after.counters.keySet())) {
            return "its series changed (" + difference(before.counters, after.counters) + ")";
        }
        for (Map.Entry<String, Double> e : after.counters.entrySet()) {
            double was = before.counters.get(e.getKey());
            if (e.getValue() < was) {
                return "counter " + e.getKey() + " went down from " + trim(was) + " to " + trim(e.getValue())
                        + " (a restart)";
            }
        }
        if (!before.created.equals(after.created)) {
            return "a series was created anew (_created changed: a restart)";
        }
        return null;
    }

    private static String difference(Map<String, Double> before, Map<String, Double> after) {
        List<String> gone = before.keySet().stream().filter(k -> !after.containsKey(k)).limit(2).toList();
        List<String> added = after.keySet().stream().filter(k -> !before.containsKey(k)).limit(2).toList();
        return (gone.isEmpty() ? "" : "gone: " + gone) + (gone.isEmpty() || added.isEmpty() ? "" : "; ")
                + (added.isEmpty() ? "" : "new: " + added);
    }

    private static String trim(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }
}
