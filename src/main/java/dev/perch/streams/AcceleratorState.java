package dev.perch.streams;

import java.util.List;
import java.util.Map;

/**
 * What the topology remembers of one accelerator (store {@code accelerator-state-store}, keyed by
 * accelerator): the recent windows of every app reported on it, its latency over its SLO window,
 * and each app's alert tracker; and the start of the latest telemetry window it predicted
 * ({@code closedStartMs}, {@link #NONE_CLOSED} before the first), which says which apps the next
 * window waits for and which reports come too late to be predicted.
 */
public record AcceleratorState(String accelerator, String acceleratorType, String node, Map<String, AppHistory> apps,
                               long closedStartMs) {
    /** No window predicted yet. */
    public static final long NONE_CLOSED = Long.MIN_VALUE;

    /** Its apps held in first-seen order, as {@link OrderedApps}: every report replaces one of them. */
    public AcceleratorState {
        apps = OrderedApps.copyOf(apps);
    }

    public AcceleratorState(String accelerator, String acceleratorType, String node, Map<String, AppHistory> apps) {
        this(accelerator, acceleratorType, node, apps, NONE_CLOSED);
    }

    AcceleratorState withClosed(long startMs) {
        return new AcceleratorState(accelerator, acceleratorType, node, apps, startMs);
    }

    /** The end of the latest window the app reported here, or {@link Long#MIN_VALUE} when it has no window. */
    static long latestEndMs(AppHistory history) {
        return history.windows().isEmpty() ? Long.MIN_VALUE
                : history.windows().get(history.windows().size() - 1).windowEndMs();
    }

    /** The latest window start the app reported here, or {@link #NONE_CLOSED} when it has no window. */
    static long latestStartMs(AppHistory history) {
        return history.windows().isEmpty() ? NONE_CLOSED
                : history.windows().get(history.windows().size() - 1).windowStartMs();
    }
    /**
     * One app on this accelerator: its recent windows, oldest first (what it learns from), what it
     * has learned, its alert tracker, its latency over its SLO window, and its resident memory as its
     * latest report that carried one said ({@code memoryMb}, MiB; null while none has).
     */
    public record AppHistory(String app, String model, List<Window> windows, Learned learned,
                             AlertHysteresis.Tracker alert, SloWindow sloWindow, Double memoryMb) {
        /** An app whose memory no report has given. */
        public AppHistory(String app, String model, List<Window> windows, Learned learned,
                          AlertHysteresis.Tracker alert, SloWindow sloWindow) {
            this(app, model, windows, learned, alert, sloWindow, null);
        }

        AppHistory withLearned(Learned learned) {
            return new AppHistory(app, model, windows, learned, alert, sloWindow, memoryMb);
        }

        AppHistory withAlert(AlertHysteresis.Tracker alert) {
            return new AppHistory(app, model, windows, learned, alert, sloWindow, memoryMb);
        }
    }

    /** One report's figures. */
    public record Window(long windowStartMs, long windowEndMs, long requests, Double meanMs, Double p50Ms,
                         Double p95Ms, Double p99Ms, Double serviceMs, Long swaps) {
    }

    /**
     * An app's latency over its SLO window of {@code windowSec} on this accelerator ({@link SloWindows}):
     * the reports since the window's start summed in slots of {@code slotSec} seconds, oldest first;
     * when it first reported here ({@code sinceMs}) and the end of its latest report ({@code endMs});
     * and how many of its seconds here were judged against its SLO, and how many of those were over.
     */
    public record SloWindow(int windowSec, int slotSec, long sinceMs, long endMs, List<Slot> slots, long judgedSeconds,
                            long violationSeconds, Slot total, SloWindows.Figures figures) {
        public SloWindow {
            slots = SharedList.copyOf(slots);
        }

        /** The window with its slots summed afresh, in order, into its total and its figures. */
        public SloWindow(int windowSec, int slotSec, long sinceMs, long endMs, List<Slot> slots, long judgedSeconds,
                         long violationSeconds) {
            this(windowSec, slotSec, sinceMs, endMs, slots, judgedSeconds, violationSeconds, SloWindows.totalOf(slots));
        }

        /**
         * The window whose slots add up to {@code total} — kept from the window before, less the
         * slots that left and plus the one that came, not added up again: every report judges the
         * figures, and summing some sixty slots for it, their buckets and then their sums, was a
         * sixteenth of the stream thread's work at {@code mixed-1000} (profiled). The figures are
         * worked out once.
         */
        SloWindow(int windowSec, int slotSec, long sinceMs, long endMs, List<Slot> slots, long judgedSeconds,
                  long violationSeconds, Slot total) {
            this(windowSec, slotSec, sinceMs, endMs, slots, judgedSeconds, violationSeconds, total,
                    SloWindows.figuresOf(total));
        }

        /** The bucket counts of its slots, added up. */
        public SparseBuckets buckets() {
            return total.buckets();
        }
    }

    /**
     * The reports of {@code slotSec} seconds from {@code startSec} (epoch seconds), summed: mean latency
     * and each percentile as the sum of figure × requests over the requests that had the figure; the
     * requests that came with a histogram, and their bucket counts in Perch's layout.
     */
    public record Slot(long startSec, double meanSumMs, long requests, double p50SumMs, long p50Requests,
                       double p95SumMs, long p95Requests, double p99SumMs, long p99Requests, long histogramRequests,
                       SparseBuckets buckets) {
        /** No reports: the total of no slots. */
        static final Slot NONE = new Slot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, SparseBuckets.NONE);

        /**
         * Its figures as sums, held flat rather than as {@link Weighted}s so that a slot is one object
         * (a window holds up to 61, for every app).
         */
        public Slot(long startSec, Weighted mean, Weighted p50, Weighted p95, Weighted p99, long histogramRequests,
                    SparseBuckets buckets) {
            this(startSec, mean.sumMs(), mean.requests(), p50.sumMs(), p50.requests(), p95.sumMs(), p95.requests(),
                    p99.sumMs(), p99.requests(), histogramRequests, buckets);
        }

        Weighted mean() {
            return new Weighted(meanSumMs, requests);
        }

        Weighted p50() {
            return new Weighted(p50SumMs, p50Requests);
        }

        Weighted p95() {
            return new Weighted(p95SumMs, p95Requests);
        }

        Weighted p99() {
            return new Weighted(p99SumMs, p99Requests);
        }

        /** This slot with {@code other}'s reports added (at this slot's start). */
        Slot plus(Slot other) {
            return new Slot(startSec, meanSumMs + other.meanSumMs, requests + other.requests, p50SumMs + other.p50SumMs,
                    p50Requests + other.p50Requests, p95SumMs + other.p95SumMs, p95Requests + other.p95Requests,
                    p99SumMs + other.p99SumMs, p99Requests + other.p99Requests, histogramRequests + other.histogramRequests,
                    buckets.plus(other.buckets));
        }

        /** This total with {@code other}'s reports, added to it before, taken out again. */
        Slot minus(Slot other) {
            return new Slot(startSec, meanSumMs - other.meanSumMs, requests - other.requests, p50SumMs - other.p50SumMs,
                    p50Requests - other.p50Requests, p95SumMs - other.p95SumMs, p95Requests - other.p95Requests,
                    p99SumMs - other.p99SumMs, p99Requests - other.p99Requests, histogramRequests - other.histogramRequests,
                    buckets.minus(other.buckets));
        }
    }

    /** A sum of a per-report figure weighted by its requests, and those requests. */
    public record Weighted(double sumMs, long requests) {
        public static final Weighted NONE = new Weighted(0, 0);

        Weighted plus(Double figureMs, long weight) {
            return figureMs == null || weight <= 0 ? this : new Weighted(sumMs + figureMs * weight, requests + weight);
        }

        Double value() {
            return requests == 0 ? null : sumMs / requests;
        }
    }
}
