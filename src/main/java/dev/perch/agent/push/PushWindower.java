package dev.perch.agent.push;

import dev.perch.agent.AppBinding;
import dev.perch.agent.PushSettings;
import dev.perch.telemetry.RecordingWindows;
import dev.perch.telemetry.TelemetryReport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Decides which pushed requests the agent keeps and turns them into telemetry v1 windows: one report
 * per push app per wall-clock second of completions ({@code [s·1000, s·1000 + 1000)}), published
 * by {@link #due} once the second has ended and a grace period has passed — the time a client has to
 * deliver its requests (it batches them, about once a second). A request for a window already
 * published, or past its grace, is refused, never folded into a window the topology has already
 * counted.
 *
 * <p><b>Swaps</b> mean what they mean in the simulator: the requests of this app that paid a model
 * swap, i.e. whose accelerator last served a request for another model. The order is completion
 * order across every push app of the accelerator (a device that serves one request at a time starts
 * them in the order it completes them; {@link RecordingWindows} orders recordings the same way), and
 * the accelerator's last model carries over from one window to the next, idle ones included. Only
 * pushed requests are seen: an app on the same accelerator that reports by scraping is invisible here.
 *
 * <p><b>Memory</b>: at most {@code maxOpenRequestsPerApp} requests per app are held in unpublished
 * windows (24 bytes each, the array doubling aside); past that a record is refused with a reason and
 * counted ({@link #droppedOverCapacity}). Records complete at most {@link #FUTURE_TOLERANCE_MS} after
 * the agent's clock, and only unpublished windows within their grace take records, so the open
 * seconds are few (about grace / 1 s + 3 of them when {@code due} is called every second).
 *
 * <p>Thread-safe (one lock); pure but for the clock, which is injected.
 */
public final class PushWindower {
    public static final long WINDOW_MS = RecordingWindows.WINDOW_MS;
    /** Ten times a thousand requests a second over the five seconds open at the default grace: more than an Edge TPU serves. */
    public static final int DEFAULT_MAX_OPEN_REQUESTS_PER_APP = 50_000;
    /** How far past the agent's clock a completion may be: clocks of one node agree to well within it. */
    public static final long FUTURE_TOLERANCE_MS = 1000;
    /**
     * After a stall (a suspended node, a clock stepped forward) idle seconds are published for at most
     * the last ten minutes — the topology drops reports older than that behind an app's newest — so a
     * day's jump does not become a day of empty reports; seconds holding requests are always published.
     */
    static final long MAX_IDLE_CATCH_UP_SECONDS = 600;

    private final String node;
    private final long graceMs;
    private final int maxOpenRequestsPerApp;
    private final LongSupplier clockMs;
    private final long firstSecond;

    // Guarded by this.
    private final PushApps apps;
    private long nextSecond;
    private final TreeMap<Long, Map<String, AppWindow>> open = new TreeMap<>();
    private final Map<String, Integer> heldPerApp = new HashMap<>();
    private final Map<String, String> lastModelByAccelerator = new HashMap<>();
    private long droppedOverCapacity;
    private long skippedIdleSeconds;

    public PushWindower(String node, List<AppBinding> apps, long graceMs) {
        this(node, apps, graceMs, DEFAULT_MAX_OPEN_REQUESTS_PER_APP, System::currentTimeMillis);
    }

    /**
     * @param clockMs the wall clock, ms since the epoch; the first window is the first whole second at
     *                or after its reading now — an earlier one the agent could only have seen in part
     */
    public PushWindower(String node, List<AppBinding> apps, long graceMs, int maxOpenRequestsPerApp, LongSupplier clockMs) {
        if (node == null || node.isBlank()) {
            throw new IllegalArgumentException("node: must be a non-empty id");
        }
        if (graceMs < 0 || graceMs > PushSettings.MAX_GRACE_MS) {
            throw new IllegalArgumentException("graceMs: must be 0 to " + PushSettings.MAX_GRACE_MS + ", got " + graceMs);
        }
        if (maxOpenRequestsPerApp < 1) {
            throw new IllegalArgumentException("maxOpenRequestsPerApp: must be at least 1, got " + maxOpenRequestsPerApp);
        }
        PushApps.validate(apps);
        this.node = node;
        this.graceMs = graceMs;
        this.maxOpenRequestsPerApp = maxOpenRequestsPerApp;
        this.clockMs = clockMs;
        this.firstSecond = Math.floorDiv(clockMs.getAsLong() + WINDOW_MS - 1, WINDOW_MS);
        this.nextSecond = firstSecond;
        this.apps = new PushApps(apps, firstSecond);
    }

    /**
     * Takes pushes for exactly {@code bound} from now on (the apps Perch has placed on the node and
     * the config's own): see {@link PushApps} for what becomes of an app that arrives or leaves.
     *
     * @throws IllegalArgumentException when an app lacks a field or is listed twice (nothing changes)
     */
    public synchronized void rebind(List<AppBinding> bound) {
        apps.rebind(bound, clockMs.getAsLong());
    }

    public long graceMs() {
        return graceMs;
    }

    public List<PushRejection> offer(List<PushedRequest> requests) {
        return offer(requests, clockMs.getAsLong());
    }

    /** Keeps the requests it can; the others' rejections, indexed by position in {@code requests}. */
    public synchronized List<PushRejection> offer(List<PushedRequest> requests, long nowMs) {
        List<PushRejection> rejections = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            String reason = keep(requests.get(i), nowMs);
            if (reason != null) {
                rejections.add(new PushRejection(i, reason));
            }
        }
        return rejections;
    }

    /** Keeps one request, or says why not. */
    private String keep(PushedRequest request, long nowMs) {
        AppBinding app = apps.accepting(request.app(), nowMs);
        if (app == null) {
            return "unknown app '" + PushBody.quote(request.app()) + "' (" + apps.known() + ")";
        }
        if (!app.model().equals(request.model())) {
            return "model '" + PushBody.quote(request.model()) + "' is not app '" + app.app() + "''s model '"
                    + app.model() + "' (as the agent's config binds it)";
        }
        double completionMs = request.completionMs();
        if (completionMs > nowMs + FUTURE_TOLERANCE_MS) {
            return "completionMs (" + PushBody.ms(completionMs) + ") is " + PushBody.ms(Math.floor(completionMs - nowMs))
                    + " ms after the agent's clock (at most " + FUTURE_TOLERANCE_MS + "): is the client's clock ahead?";
        }
        long second = (long) Math.floor(completionMs / WINDOW_MS);
        if (second < firstSecond) {
            return "completionMs (" + PushBody.ms(completionMs) + ") is before the agent's first window, which starts at "
                    + firstSecond * WINDOW_MS + " (the agent was not running then)";
        }
        if (second < nextSecond || (second + 1) * WINDOW_MS + graceMs <= nowMs) {
            return String.format(Locale.ROOT, "window [%d, %d) is closed: it is published %d ms after it ends;"
                    + " send each request within that grace", second * WINDOW_MS, (second + 1) * WINDOW_MS, graceMs);
        }
        int held = heldPerApp.getOrDefault(app.app(), 0);
        if (held >= maxOpenRequestsPerApp) {
            droppedOverCapacity++;
            return "app '" + app.app() + "' already holds " + held + " requests in unpublished windows, the most it may: dropped";
        }
        open.computeIfAbsent(second, s -> new HashMap<>()).computeIfAbsent(app.app(), a -> new AppWindow(app)).add(request);
        heldPerApp.put(app.app(), held + 1);
        apps.requested(app.app(), second);
        return null;
    }

    public List<TelemetryReport> due() {
        return due(clockMs.getAsLong());
    }

    /**
     * The reports of every window whose end plus the grace is at or before {@code nowMs} and that has
     * not been published yet, in window order (then accelerator and app, in the config's order): one
     * per push app per second, idle seconds included. Each window is returned once.
     */
    public synchronized List<TelemetryReport> due(long nowMs) {
        long lastDue = Math.floorDiv(nowMs - graceMs, WINDOW_MS) - 1;
        if (lastDue < nextSecond) {
            return List.of();
        }
        List<TelemetryReport> reports = new ArrayList<>();
        long idleFrom = Math.max(nextSecond, lastDue - MAX_IDLE_CATCH_UP_SECONDS + 1);
        List<Long> heldBefore = new ArrayList<>(open.headMap(idleFrom).keySet());
        for (long second : heldBefore) {
            publish(second, reports);
        }
        skippedIdleSeconds += idleFrom - nextSecond - heldBefore.size();
        for (long second = idleFrom; second <= lastDue; second++) {
            publish(second, reports);
        }
        nextSecond = lastDue + 1;
        return reports;
    }

    /**
     * One second's reports: the bound apps' by accelerator (idle ones too, once they report), then the
     * windows held under another binding — an app that has since left the node or changed accelerator.
     */
    private void publish(long second, List<TelemetryReport> reports) {
        Map<String, AppWindow> windows = open.remove(second);
        long windowStartMs = second * WINDOW_MS;
        if (windows != null) {
            countSwaps(windows.values());
        }
        Set<AppWindow> reported = new HashSet<>();
        for (List<AppBinding> accelerator : apps.byAccelerator()) {
            for (AppBinding app : accelerator) {
                AppWindow window = windows == null ? null : windows.get(app.app());
                if (window != null && window.binding().equals(app)) {
                    reports.add(report(window, windowStartMs));
                    reported.add(window);
                } else if (window == null && apps.reportsIdle(app.app(), second)) {
                    reports.add(AppWindow.idle(node, app, windowStartMs, WINDOW_MS));
                }
            }
        }
        if (windows != null) {
            windows.values().stream().filter(w -> !reported.contains(w))
                    .sorted(Comparator.comparing((AppWindow w) -> w.binding().app()))
                    .forEach(w -> reports.add(report(w, windowStartMs)));
        }
    }

    private TelemetryReport report(AppWindow window, long windowStartMs) {
        heldPerApp.merge(window.binding().app(), -window.count(), Integer::sum);
        return window.report(node, windowStartMs, WINDOW_MS);
    }

    /** One request served on an accelerator: which app's window holds it, and where. */
    private record Served(AppWindow window, int index) {
        String app() {
            return window.binding().app();
        }

        double completionMs() {
            return window.completionMs(index);
        }

        double serviceStartMs() {
            return window.serviceStartMs(index);
        }

        double arrivalMs() {
            return window.arrivalMs(index);
        }
    }

    /** Ties in completion (ms clocks tie often) fall back to start, then arrival, then app: the same order every time. */
    private static final Comparator<Served> SERVICE_ORDER = Comparator.comparingDouble(Served::completionMs)
            .thenComparingDouble(Served::serviceStartMs).thenComparingDouble(Served::arrivalMs)
            .thenComparing(Served::app);

    private void countSwaps(Collection<AppWindow> windows) {
        Map<String, List<Served>> byAccelerator = new TreeMap<>();
        for (AppWindow window : windows) {
            List<Served> served = byAccelerator.computeIfAbsent(window.binding().accelerator(), a -> new ArrayList<>());
            for (int i = 0; i < window.count(); i++) {
                served.add(new Served(window, i));
            }
        }
        byAccelerator.forEach((accelerator, served) -> {
            served.sort(SERVICE_ORDER);
            String lastModel = lastModelByAccelerator.get(accelerator);
            for (Served s : served) {
                String model = s.window().binding().model();
                if (lastModel != null && !lastModel.equals(model)) {
                    s.window().swapped();
                }
                lastModel = model;
            }
            if (lastModel != null) {
                lastModelByAccelerator.put(accelerator, lastModel);
            }
        });
    }

    /** Records refused because their app already held {@code maxOpenRequestsPerApp} unpublished requests. */
    public synchronized long droppedOverCapacity() {
        return droppedOverCapacity;
    }

    /** Idle seconds left unpublished after a stall longer than {@link #MAX_IDLE_CATCH_UP_SECONDS}. */
    public synchronized long skippedIdleSeconds() {
        return skippedIdleSeconds;
    }

    /** Requests held in windows not yet published, over all apps. */
    public synchronized long openRequests() {
        return heldPerApp.values().stream().mapToLong(Integer::longValue).sum();
    }
}
