package dev.perch.agent.scrape;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One sample line of a scrape: the sample's name as written ({@code foo_total}, {@code foo_bucket}, …),
 * its labels, its value ({@code NaN} and infinities included, as the format allows) and the
 * timestamp the server gave, if any. The timestamp is kept as written — milliseconds in the text
 * format 0.0.4, seconds in OpenMetrics — and not used: the agent times a scrape by when it asked.
 */
public record Sample(String name, SortedMap<String, String> labels, double value, Double timestamp) {
    public Sample {
        labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    public Sample(String name, Map<String, String> labels, double value) {
        this(name, new TreeMap<>(labels), value, null);
    }

    /** The label's value, or {@code null} when the sample has no such label. */
    public String label(String name) {
        return labels.get(name);
    }

    /** Name and labels: what makes two samples of one scrape the same series. */
    public String seriesKey() {
        return name + labels;
    }
}
