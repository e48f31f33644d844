package dev.perch.agent.scrape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed scrape: the samples that could be read, the {@code # TYPE} of each family that declared
 * one, and the lines that could not be read — skipped and counted, the first few kept with their
 * reason for the log. Immutable; samples are indexed by name once, since a preset looks up a
 * handful of names in a page that may hold thousands of samples.
 */
public final class Exposition {
    private final List<Sample> samples;
    private final Map<String, String> types;
    private final int badLines;
    private final List<String> problems;
    private final boolean endOfFile;
    private final Map<String, List<Sample>> byName;

    /**
     * @param samples   in the order of the page
     * @param types     family name → declared type ({@code counter}, {@code histogram}, …)
     * @param badLines  lines skipped because they break the format
     * @param problems  the first few of them, as {@code line N: reason}
     * @param endOfFile whether the page ended with OpenMetrics' {@code # EOF}
     */
    public Exposition(List<Sample> samples, Map<String, String> types, int badLines, List<String> problems,
                      boolean endOfFile) {
        this.samples = List.copyOf(samples);
        this.types = Map.copyOf(types);
        this.badLines = badLines;
        this.problems = List.copyOf(problems);
        this.endOfFile = endOfFile;
        Map<String, List<Sample>> index = new HashMap<>();
        for (Sample s : this.samples) {
            index.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s);
        }
        index.replaceAll((n, l) -> List.copyOf(l));
        this.byName = Map.copyOf(index);
    }

    public List<Sample> samples() {
        return samples;
    }

    public Map<String, String> types() {
        return types;
    }

    public int badLines() {
        return badLines;
    }

    public List<String> problems() {
        return problems;
    }

    public boolean endOfFile() {
        return endOfFile;
    }

    /** The samples with this exact name, in page order. */
    public List<Sample> named(String name) {
        return byName.getOrDefault(name, List.of());
    }
}
