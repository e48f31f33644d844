package dev.perch.agent;

import dev.perch.agent.scrape.Exposition;
import dev.perch.agent.scrape.PresetReader;
import dev.perch.agent.scrape.Reading;
import dev.perch.agent.scrape.WindowFigures;
import dev.perch.telemetry.TelemetryReport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the scrapes of one target into telemetry windows, one per app per interval: pure (pages and
 * the times they were asked for in, reports out), so that every rule below is tested without a
 * clock or a network.
 *
 * <p><b>Edges on the wall-clock grid.</b> Windows start and end on multiples of the interval since
 * the epoch (whole seconds for the default 1 s). The server read its counters at some moment between
 * the agent sending the request and receiving the page; a scrape is an edge at the grid point nearest
 * the moment it was sent if both moments are within a tenth of the interval of it. One further off —
 * a stalled scheduler, a slow first connection — is no edge at all, and the next scrape on the grid
 * closes a window over all the time since the last edge. A window therefore covers the time it
 * really covers, two seconds or more when an edge was missed, and rates per second stay right.
 *
 * <p><b>No window from counters that do not describe one stretch.</b> An app's first scrape is its
 * baseline. A window needs the same series at both edges and none lower at the second: a counter
 * that went down or a {@code _created} that changed (a restart), or a series that appeared or
 * disappeared (a model version loaded or unloaded) makes the second scrape a new baseline and the
 * stretch yields no window. A model whose series are gone yields nothing until they are back, and
 * then starts from a new baseline.
 *
 * <p><b>Failed scrapes.</b> A scrape that failed or timed out never reaches this class: it yields no
 * window and leaves the baselines as they were, so the next answered scrape closes a window over the
 * time since the last real reading — never one made of stale values. Beyond {@value #MAX_WINDOW_INTERVALS}
 * intervals without an edge the baseline is too old to spread evenly over a window, and a new one
 * starts instead.
 */
public final class CounterWindows {
    /** The longest window, in intervals; a longer gap starts a new baseline. */
    static final int MAX_WINDOW_INTERVALS = 10;

    private final String node;
    private final ScrapeTarget target;
    private final long intervalMs;
    private final Map<String, Edge> baselines = new HashMap<>();
    private final Set<String> missing = new HashSet<>();

    /** An app's last reading and the grid point it was taken at. */
    private record Edge(long atMs, Reading reading) {
    }

    /** Something that happened to an app's baseline, for the log and the agent's metrics. */
    public record Note(Kind kind, String text) {
        public enum Kind {
            /** A new baseline over a restart, a change of series, a long gap or returning series. */
            NEW_BASELINE,
            /** The app's series left the page; no windows until they return. */
            SERIES_MISSING,
            /** A scrape sent or answered too far from a grid point to be an edge. */
            OFF_GRID,
            /** Requests moved but their latency did not yet: no window this time. */
            UNDESCRIBED
        }
    }

    /** What one scrape gave: the windows it closed and what happened on the way. */
    public record Outcome(List<TelemetryReport> windows, List<Note> notes) {
        public Outcome {
            windows = List.copyOf(windows);
            notes = List.copyOf(notes);
        }
    }

    public CounterWindows(String node, ScrapeTarget target, long intervalMs) {
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("interval must be positive, got " + intervalMs + " ms");
        }
        this.node = node;
        this.target = target;
        this.intervalMs = intervalMs;
    }

    /**
     * The windows of {@code changed} — the same endpoint with apps added or gone — keeping the
     * baselines of the apps read as before, so that a move of one app costs the others no window.
     */
    public synchronized CounterWindows retargeted(ScrapeTarget changed) {
        CounterWindows next = new CounterWindows(node, changed, intervalMs);
        for (ScrapedApp app : changed.apps()) {
            String id = app.binding().app();
            if (target.apps().contains(app)) {
                if (baselines.containsKey(id)) {
                    next.baselines.put(id, baselines.get(id));
                }
                if (missing.contains(id)) {
                    next.missing.add(id);
                }
            }
        }
        return next;
    }

    /** The grid point nearest a moment. */
    long gridPoint(long atMs) {
        return Math.floorDiv(atMs + intervalMs / 2, intervalMs) * intervalMs;
    }

    /**
     * An answered scrape.
     *
     * @param sentAtMs     when the request went out (epoch ms)
     * @param answeredAtMs when the page had arrived
     * @param page         what the server answered, parsed
     */
    public synchronized Outcome scraped(long sentAtMs, long answeredAtMs, Exposition page) {
        long edge = gridPoint(sentAtMs);
        long toleranceMs = intervalMs / 10;
        if (Math.abs(sentAtMs - edge) > toleranceMs || answeredAtMs - edge > toleranceMs) {
            return new Outcome(List.of(), List.of(new Note(Note.Kind.OFF_GRID, String.format(Locale.ROOT,
                    "sent %+d ms and answered %+d ms from the grid point, more than %d ms: not a window edge",
                    sentAtMs - edge, answeredAtMs - edge, toleranceMs))));
        }
        List<TelemetryReport> windows = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        for (ScrapedApp app : target.apps()) {
            String id = app.binding().app();
            Edge before = baselines.get(id);
            PresetReader.Result read = PresetReader.read(target.preset(), page, app.serverModel());
            if (read instanceof PresetReader.Result.Missing m) {
                baselines.remove(id);
                if (missing.add(id)) {
                    notes.add(new Note(Note.Kind.SERIES_MISSING, id + ": " + m.reason() + "; no windows until it is back"));
                }
                continue;
            }
            Reading now = ((PresetReader.Result.Found) read).reading();
            if (before != null && edge == before.atMs()) {
                continue; // the same grid point twice: the first reading stays the baseline
            }
            baselines.put(id, new Edge(edge, now));
            if (before != null && edge < before.atMs()) {
                // The wall clock stepped back: a window to come would pair two readings further
                // apart than its edges say.
                notes.add(new Note(Note.Kind.NEW_BASELINE, id + ": the clock went back from " + before.atMs() + " to "
                        + edge + "; new baseline"));
                continue;
            }
            if (before == null) {
                if (missing.remove(id)) {
                    notes.add(new Note(Note.Kind.NEW_BASELINE, id + ": series back; new baseline"));
                }
                continue;
            }
            String span = span(before.atMs(), edge);
            if (edge - before.atMs() > MAX_WINDOW_INTERVALS * intervalMs) {
                notes.add(new Note(Note.Kind.NEW_BASELINE, id + ": no reading for " + span + "; new baseline"));
                continue;
            }
            String broken = Reading.breakBetween(before.reading(), now);
            if (broken != null) {
                notes.add(new Note(Note.Kind.NEW_BASELINE, id + ": " + broken + "; new baseline, no window for " + span));
                continue;
            }
            WindowFigures.Result figures = WindowFigures.between(target.preset(), before.reading(), now);
            if (figures instanceof WindowFigures.Result.Undescribed u) {
                notes.add(new Note(Note.Kind.UNDESCRIBED, id + ": " + u.reason() + "; no window for " + span));
                continue;
            }
            windows.add(report(app.binding(), before.atMs(), edge, ((WindowFigures.Result.Figures) figures).figures()));
        }
        return new Outcome(windows, notes);
    }

    private TelemetryReport report(AppBinding app, long startMs, long endMs, WindowFigures f) {
        return new TelemetryReport(TelemetryReport.SCHEMA, node, app.accelerator(), app.acceleratorType(), app.app(),
                app.model(), startMs, endMs, f.requests(), f.latency(), f.service(), f.queue(), null, f.latencyHistogram());
    }

    private static String span(long fromMs, long toMs) {
        return String.format(Locale.ROOT, "%d..%d (%.1f s)", fromMs, toMs, (toMs - fromMs) / 1000.0);
    }
}
