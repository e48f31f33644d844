package dev.perch.agent;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The agent's own metrics, served on its port at {@code /metrics} in the Prometheus text format
 * 0.0.4: how its scrapes went and what became of its windows. Thread-safe; counters only go up.
 * Other parts of the agent (the push receiver) add their lines with {@link #include}.
 */
public final class AgentMetrics {
    private final Map<String, LongAdder> scrapeErrors = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> unparsableLines = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> newBaselines = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> dropped = new ConcurrentSkipListMap<>();
    private final LongAdder published = new LongAdder();
    private final List<Supplier<String>> included = new CopyOnWriteArrayList<>();
    private volatile LongSupplier buffered = () -> 0;

    /** Why a window never reached Kafka. */
    public enum DropReason {
        /** The buffer was full while Kafka could not be reached: the oldest window made room. */
        BUFFER_FULL,
        /** Kafka refused it or did not acknowledge it in the producer's delivery timeout. */
        SEND_FAILED,
        /** Still buffered when the agent stopped. */
        SHUTDOWN;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Starts a target's series at 0, so that a dashboard sees them before anything goes wrong. */
    public void target(String target) {
        scrapeErrors.computeIfAbsent(target, t -> new LongAdder());
        unparsableLines.computeIfAbsent(target, t -> new LongAdder());
        newBaselines.computeIfAbsent(target, t -> new LongAdder());
    }

    public void scrapeError(String target) {
        scrapeErrors.computeIfAbsent(target, t -> new LongAdder()).increment();
    }

    public void unparsableLines(String target, int lines) {
        unparsableLines.computeIfAbsent(target, t -> new LongAdder()).add(lines);
    }

    public void newBaseline(String target) {
        newBaselines.computeIfAbsent(target, t -> new LongAdder()).increment();
    }

    public void published() {
        published.increment();
    }

    public void dropped(DropReason reason) {
        dropped.computeIfAbsent(reason.label(), r -> new LongAdder()).increment();
    }

    /** The gauge of windows waiting for Kafka. */
    public void bufferedBy(LongSupplier windows) {
        this.buffered = windows;
    }

    /** Adds lines in the text format, complete with their {@code # HELP} and {@code # TYPE}, to every answer. */
    public void include(Supplier<String> exposition) {
        included.add(exposition);
    }

    public long scrapeErrors(String target) {
        LongAdder errors = scrapeErrors.get(target);
        return errors == null ? 0 : errors.sum();
    }

    public long unparsableLines(String target) {
        LongAdder lines = unparsableLines.get(target);
        return lines == null ? 0 : lines.sum();
    }

    public long publishedWindows() {
        return published.sum();
    }

    public long droppedWindows(DropReason reason) {
        LongAdder windows = dropped.get(reason.label());
        return windows == null ? 0 : windows.sum();
    }

    /** The page: one family per metric, each series labelled. */
    public String exposition() {
        StringBuilder page = new StringBuilder();
        family(page, "perch_agent_scrape_errors_total", "counter", "Scrapes that failed or timed out, by target",
                "target", scrapeErrors);
        family(page, "perch_agent_unparsable_lines_total", "counter",
                "Lines of a target's metrics page that break the format and were skipped", "target", unparsableLines);
        family(page, "perch_agent_new_baselines_total", "counter",
                "Times an app's counters started a new baseline (restart, series changed, long gap): no window for that stretch",
                "target", newBaselines);
        unlabelled(page, "perch_agent_windows_published_total", "counter",
                "Telemetry windows published (printed, with --print)", published.sum());
        header(page, "perch_agent_windows_dropped_total", "counter", "Telemetry windows that never reached Kafka, by reason");
        for (DropReason reason : DropReason.values()) {
            page.append("perch_agent_windows_dropped_total{reason=\"").append(reason.label()).append("\"} ")
                    .append(droppedWindows(reason)).append('\n');
        }
        unlabelled(page, "perch_agent_buffered_windows", "gauge", "Windows waiting for Kafka", buffered.getAsLong());
        for (Supplier<String> more : included) {
            String lines = more.get();
            page.append(lines);
            if (!lines.isEmpty() && !lines.endsWith("\n")) {
                page.append('\n');
            }
        }
        return page.toString();
    }

    /** One family of one series without labels, with its {@code # HELP} and {@code # TYPE}: for {@link #include}. */
    public static void unlabelled(StringBuilder page, String name, String type, String help, long value) {
        header(page, name, type, help);
        page.append(name).append(' ').append(value).append('\n');
    }

    private static void header(StringBuilder page, String name, String type, String help) {
        page.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void family(StringBuilder page, String name, String type, String help, String label,
                               Map<String, LongAdder> series) {
        header(page, name, type, help);
        series.forEach((value, count) -> page.append(name).append('{').append(label).append("=\"")
                .append(escape(value)).append("\"} ").append(count.sum()).append('\n'));
    }

    /** A label value as the format escapes it. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
