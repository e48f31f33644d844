package dev.perch.streams;

import dev.perch.model.profile.SloStatistic;
import dev.perch.streams.AcceleratorState.SloWindow;
import dev.perch.streams.AcceleratorState.Slot;
import dev.perch.streams.AcceleratorState.Weighted;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.LatencyBuckets;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.TelemetryReport;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides an app's observed latency over its SLO window — the requests it completed in the last
 * {@code sloWindowSec} seconds on this accelerator — from its one-second reports, and counts its
 * judged seconds.
 *
 * <ul>
 *   <li><b>Slots.</b> Reports are summed into slots of ⌈W/{@value #MAX_SLOTS}⌉ seconds, so an app
 *   keeps at most {@value #MAX_SLOTS} + 1 slots whatever its window (1 to 3600 s): a window of up to
 *   60 s slides by the second, one of 3600 s by the minute. The window holds the slots that start
 *   at or after W seconds before the end of the latest report: it spans between W less one slot
 *   and W seconds.</li>
 *   <li><b>Mean:</b> exact but for a double's rounding, the sum of mean × requests over the requests
 *   (kept as a running total of the slots: less those that leave, plus the one that comes).</li>
 *   <li><b>Percentiles:</b> when every request in the window came with a histogram, the
 *   nearest-rank percentile of their summed bucket counts, within 5 % of the true one
 *   ({@link LatencyBuckets}). Otherwise the request-weighted mean of the reports' own percentiles
 *   (a report with a histogram but no percentile gets one from its histogram): a mean of
 *   per-second percentiles is not the window's percentile — under the true one when the seconds
 *   differ (a slow second's tail outweighs its share of the mean), over it when few requests make
 *   a second's percentile its maximum.</li>
 *   <li><b>Judged seconds.</b> Once the app has reported a full window here (since its first report
 *   on this accelerator: a move starts afresh), each report is a judged second, a violation second
 *   when the window's statistic is over the SLO.</li>
 * </ul>
 * A report older than the window (a node catching up late) is left out of it.
 */
final class SloWindows {
    /** Slots per window, at most: bounds the state an app keeps and the work per report. */
    static final int MAX_SLOTS = 60;
    static final int MIN_WINDOW_SEC = 1;
    static final int MAX_WINDOW_SEC = 3600;

    private SloWindows() {
    }

    /** An app's window figures: requests, the mean and percentiles, and whether those came from histograms. */
    public record Figures(long requests, Double meanMs, Double p50Ms, Double p95Ms, Double p99Ms, boolean fromHistograms) {
        static final Figures NONE = new Figures(0, null, null, null, null, false);

        Double statistic(SloStatistic statistic) {
            return switch (statistic) {
                case MEAN -> meanMs;
                case P50 -> p50Ms;
                case P95 -> p95Ms;
                case P99 -> p99Ms;
            };
        }
    }

    /** The window an app's SLO is judged over, in seconds; the default without an entry, and within 1–3600 whatever the table says. */
    static int windowSec(AppRecord spec) {
        int window = spec == null ? AppRecord.DEFAULT_SLO_WINDOW_SEC : spec.sloWindowSecOrDefault();
        return Math.min(Math.max(window, MIN_WINDOW_SEC), MAX_WINDOW_SEC);
    }

    static int slotSec(int windowSec) {
        return Math.max(1, (windowSec + MAX_SLOTS - 1) / MAX_SLOTS);
    }

    /** The window of an app that first reported here at {@code sinceMs}, empty. */
    static SloWindow start(int windowSec, long sinceMs) {
        return new SloWindow(windowSec, slotSec(windowSec), sinceMs, sinceMs, List.of(), 0, 0);
    }

    /** Whether the app has reported here for a whole window: only then is a second judged. */
    static boolean full(SloWindow window) {
        return window.endMs() - window.sinceMs() >= window.windowSec() * 1000L;
    }

    /**
     * The window after {@code report}: re-slotted if the app's window changed, the report added to
     * its slot, the slots that fell out of the window dropped, and the second judged when the app has
     * an SLO ({@code slo} null when not) and a full window.
     */
    static SloWindow observe(SloWindow before, TelemetryReport report, Slo slo, int windowSec) {
        SloWindow window = before == null ? start(windowSec, report.windowStartMs())
                : before.windowSec() != windowSec ? resized(before, windowSec) : before;
        long endMs = Math.max(window.endMs(), report.windowEndMs());
        long fromMs = endMs - window.windowSec() * 1000L;
        // Slots are in order of start: those still in the window are the last ones.
        List<Slot> held = window.slots();
        Slot total = window.total();
        int first = 0;
        while (first < held.size() && held.get(first).startSec() * 1000 < fromMs) {
            total = total.minus(held.get(first));
            first++;
        }
        List<Slot> slots = SharedList.<Slot>copyOf(held).dropFirst(first);
        if (slots.isEmpty()) {
            total = Slot.NONE; // exactly: what is left of sums taken out again is rounding
        }
        long slotStart = Math.floorDiv(Math.floorDiv(report.windowStartMs(), 1000), window.slotSec()) * window.slotSec();
        boolean hasLatency = report.requests() > 0 && report.latencyMs() != null && report.latencyMs().mean() != null;
        if (hasLatency && slotStart * 1000 >= fromMs) {
            Slot merging = slotAt(slots, slotStart);
            slots = added(slots, slot(slotStart, report));
            // A late report merges into its slot, whose sums are then rounded as stored: the total
            // takes the slot's change, so that it stays the sum of what the slots hold.
            total = (merging == null ? total : total.minus(merging)).plus(slotAt(slots, slotStart));
        }
        SloWindow after = new SloWindow(window.windowSec(), window.slotSec(), window.sinceMs(), endMs, slots,
                window.judgedSeconds(), window.violationSeconds(), total);
        if (slo == null || !full(after)) {
            return after;
        }
        Double observed = figures(after).statistic(slo.statistic());
        if (observed == null) {
            return after;
        }
        // A report is a second; a longer one counts its seconds, up to the window (one judgement covers no more).
        long seconds = Math.min(Math.max(1, Math.round(report.windowMs() / 1000.0)), after.windowSec());
        return new SloWindow(after.windowSec(), after.slotSec(), after.sinceMs(), endMs, after.slots(),
                after.judgedSeconds() + seconds, after.violationSeconds() + (observed > slo.sloMs() ? seconds : 0),
                after.total(), after.figures());
    }

    /** The figures of the requests in the window. */
    static Figures figures(SloWindow window) {
        return window == null ? Figures.NONE : window.figures();
    }

    /** These slots, added up in order (at the start of none of them). */
    static Slot totalOf(List<Slot> slots) {
        Slot total = Slot.NONE;
        for (Slot slot : slots) {
            total = total.plus(slot);
        }
        return total;
    }

    /**
     * The figures of the requests a window's slots add up to: the mean and, unless every request
     * came with a histogram, each percentile from its sum; else the percentiles of the summed buckets.
     */
    static Figures figuresOf(Slot total) {
        long requests = total.requests();
        if (requests == 0) {
            return Figures.NONE;
        }
        Double mean = total.meanSumMs() / requests;
        if (total.histogramRequests() != requests) {
            return new Figures(requests, mean, average(total.p50SumMs(), total.p50Requests()),
                    average(total.p95SumMs(), total.p95Requests()), average(total.p99SumMs(), total.p99Requests()), false);
        }
        SparseBuckets buckets = total.buckets();
        return new Figures(requests, mean, buckets.quantile(requests, 0.50), buckets.quantile(requests, 0.95),
                buckets.quantile(requests, 0.99), true);
    }

    private static Double average(double sumMs, long requests) {
        return requests == 0 ? null : sumMs / requests;
    }

    /** The slot that starts at {@code startSec}, or null; looked for from the newest, where reports land. */
    private static Slot slotAt(List<Slot> slots, long startSec) {
        for (int i = slots.size() - 1; i >= 0; i--) {
            Slot slot = slots.get(i);
            if (slot.startSec() <= startSec) {
                return slot.startSec() == startSec ? slot : null;
            }
        }
        return null;
    }

    /**
     * A slot as the state stores it ({@link SloWindowSerde}): its percentile sums at a float's
     * precision, approximations anyway. Held so in memory too, so that a restart reads back exactly
     * what an uninterrupted run holds, and the window's running total, which takes a slot's sums out
     * again when it leaves, goes on the same in both.
     */
    private static Slot asStored(Slot slot) {
        return new Slot(slot.startSec(), slot.meanSumMs(), slot.requests(), (float) slot.p50SumMs(), slot.p50Requests(),
                (float) slot.p95SumMs(), slot.p95Requests(), (float) slot.p99SumMs(), slot.p99Requests(),
                slot.histogramRequests(), slot.buckets());
    }

    /** One report as a slot of its own: its figures, and its histogram in Perch's layout if it has one. */
    static Slot slot(long startSec, TelemetryReport report) {
        long n = report.requests();
        LatencySummary latency = report.latencyMs();
        long[] counts = report.latencyHistogram() == null ? null : LatencyBuckets.rebin(report.latencyHistogram());
        Double p50 = latency.p50();
        Double p95 = latency.p95();
        Double p99 = latency.p99();
        if (counts != null) {
            p50 = p50 != null ? p50 : LatencyBuckets.quantile(counts, n, 0.50);
            p95 = p95 != null ? p95 : LatencyBuckets.quantile(counts, n, 0.95);
            p99 = p99 != null ? p99 : LatencyBuckets.quantile(counts, n, 0.99);
        }
        return asStored(new Slot(startSec, Weighted.NONE.plus(latency.mean(), n), Weighted.NONE.plus(p50, n),
                Weighted.NONE.plus(p95, n), Weighted.NONE.plus(p99, n), counts == null ? 0 : n,
                counts == null ? SparseBuckets.NONE : SparseBuckets.of(counts)));
    }

    /**
     * The slots with one more: appended in their shared storage when it starts after the others (a
     * one-second slot, the usual case), else added to a copy.
     */
    private static List<Slot> added(List<Slot> slots, Slot slot) {
        if (slots.isEmpty() || slots.get(slots.size() - 1).startSec() < slot.startSec()) {
            return SharedList.<Slot>copyOf(slots).plus(slot);
        }
        List<Slot> copy = new ArrayList<>(slots);
        add(copy, slot);
        return copy;
    }

    /** Adds a slot to the list (ascending by start), merged with the one of the same start if there is one. */
    private static void add(List<Slot> slots, Slot slot) {
        int at = slots.size();
        while (at > 0 && slots.get(at - 1).startSec() > slot.startSec()) {
            at--;
        }
        if (at > 0 && slots.get(at - 1).startSec() == slot.startSec()) {
            slots.set(at - 1, asStored(slots.get(at - 1).plus(slot)));
        } else {
            slots.add(at, slot);
        }
    }

    /**
     * The window of an app whose SLO window changed: its slots merged into slots of the new width (a
     * slot wider than the new one stays whole, at its start, for one window), and, for a longer
     * window, judged only once the data held covers it.
     */
    private static SloWindow resized(SloWindow before, int windowSec) {
        int slotSec = slotSec(windowSec);
        List<Slot> slots = new ArrayList<>();
        for (Slot slot : before.slots()) {
            Slot rekeyed = new Slot(Math.floorDiv(slot.startSec(), slotSec) * slotSec, slot.mean(), slot.p50(), slot.p95(),
                    slot.p99(), slot.histogramRequests(), slot.buckets());
            add(slots, rekeyed);
        }
        long sinceMs = windowSec > before.windowSec()
                ? Math.max(before.sinceMs(), before.endMs() - before.windowSec() * 1000L) : before.sinceMs();
        return new SloWindow(windowSec, slotSec, sinceMs, before.endMs(), slots, before.judgedSeconds(),
                before.violationSeconds());
    }
}
