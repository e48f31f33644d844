package dev.perch.agent;

import dev.perch.agent.scrape.Exposition;
import dev.perch.agent.scrape.ExpositionParser;
import org.jboss.logging.Logger;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The agent's clock: at every grid point (each interval on the wall clock) it asks every target for
 * its page, without waiting for any answer, and publishes what the window sources have due. Each
 * answer is read on the HTTP client's threads and goes through the target's {@link CounterWindows}
 * to the sink. A target still answering the previous round is not asked again (one request per
 * target at a time, each bounded by its timeout and a page size limit), so nothing the agent does
 * adds load to a slow server or makes the next round late.
 */
final class ScrapeLoop implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ScrapeLoop.class);
    /** The largest page read: Triton with a hundred models writes well under a megabyte. */
    static final int MAX_PAGE_BYTES = 16 << 20;
    /** Scrapes off the grid in a row before it is worth a warning. */
    static final int OFF_GRID_SCRAPES_TO_WARN = 3;
    /** As Prometheus asks: OpenMetrics first, the text format otherwise. */
    private static final String ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private final AgentConfig config;
    private final WindowSink sink;
    private final AgentMetrics metrics;
    private final LongSupplier clockMs;
    private final HttpClient http;
    private final ExecutorService httpThreads;
    /** Replaced whole when the agent re-targets, so a round and the health page each read one list. */
    private volatile List<Target> targets = List.of();
    private final List<WindowSource> sources = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService ticks;
    private volatile boolean closed;

    /** One target's windows, whether it is busy, and the conditions logged on change. */
    private static final class Target {
        final ScrapeTarget spec;
        final String name;
        final CounterWindows windows;
        final AtomicBoolean busy = new AtomicBoolean();
        final OnChange failing = new OnChange();
        final OnChange badLines = new OnChange();
        final OnChange offGrid = new OnChange();
        volatile boolean answered;

        Target(ScrapeTarget spec, CounterWindows windows) {
            this.spec = spec;
            this.name = spec.url().toString();
            this.windows = windows;
        }
    }

    ScrapeLoop(AgentConfig config, WindowSink sink, AgentMetrics metrics, LongSupplier clockMs) {
        this.config = config;
        this.sink = sink;
        this.metrics = metrics;
        this.clockMs = clockMs;
        this.httpThreads = Executors.newFixedThreadPool(4, daemon("perch-agent-scrape"));
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(httpThreads)
                .connectTimeout(Duration.ofMillis(config.intervalMs())).followRedirects(HttpClient.Redirect.NEVER).build();
        retarget(config.targets());
    }

    /**
     * Scrapes exactly {@code specs} from the next round on. A target whose spec is unchanged is kept;
     * one read as before but with apps added or gone keeps the baselines of the apps that stay, so no
     * window of theirs is lost; a new endpoint starts from a baseline. A scrape still in flight for a
     * dropped target ends as usual: its window describes time the app really ran there.
     */
    synchronized void retarget(List<ScrapeTarget> specs) {
        List<Target> next = new ArrayList<>();
        for (ScrapeTarget spec : specs) {
            Target kept = targets.stream().filter(t -> t.spec.equals(spec)).findFirst().orElse(null);
            if (kept == null) {
                Target same = targets.stream().filter(t -> t.spec.url().equals(spec.url()) && t.spec.preset().equals(spec.preset())
                        && t.spec.timeoutMs() == spec.timeoutMs()).findFirst().orElse(null);
                kept = new Target(spec, same == null ? new CounterWindows(config.node(), spec, config.intervalMs())
                        : same.windows.retargeted(spec));
                metrics.target(spec.url().toString());
            }
            next.add(kept);
        }
        targets = List.copyOf(next);
    }

    /** The targets scraped now, for tests. */
    List<ScrapeTarget> targetsForTest() {
        return targets.stream().map(t -> t.spec).toList();
    }

    void addSource(WindowSource source) {
        sources.add(source);
    }

    /** Each target's state for the health page: {@code ok}, {@code failing}, or {@code waiting} for a first answer. */
    List<TargetState> states() {
        return targets.stream().map(t -> new TargetState(t.name, t.failing.isOn() ? "failing" : t.answered ? "ok" : "waiting"))
                .toList();
    }

    /** A target's state on the health page. */
    record TargetState(String url, String state) {
    }

    /** Rounds at every grid point from now on. */
    synchronized void start() {
        ticks = Executors.newSingleThreadScheduledExecutor(daemon("perch-agent-tick"));
        scheduleAfter(Math.floorDiv(clockMs.getAsLong(), config.intervalMs()) * config.intervalMs());
    }

    /** The next round at the grid point after {@code lastMs}, or the next one to come if that has passed. */
    private void scheduleAfter(long lastMs) {
        if (closed) {
            return;
        }
        long interval = config.intervalMs();
        long now = clockMs.getAsLong();
        long next = Math.max(lastMs + interval, (Math.floorDiv(now, interval) + 1) * interval);
        ticks.schedule(() -> {
            try {
                round(clockMs.getAsLong());
            } catch (RuntimeException e) {
                LOG.errorf(e, "scrape round at %d failed", next);
            } finally {
                scheduleAfter(next);
            }
        }, next - now, TimeUnit.MILLISECONDS);
    }

    /**
     * One round at {@code nowMs}: a scrape of every target not still busy, then the sources' due
     * windows. The future completes when the scrapes started in this round have ended (for tests;
     * the scheduler does not wait for it).
     */
    CompletableFuture<Void> round(long nowMs) {
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (Target target : targets) {
            if (target.busy.compareAndSet(false, true)) {
                started.add(scrape(target, nowMs));
            }
        }
        for (WindowSource source : sources) {
            try {
                source.due(nowMs).forEach(sink::accept);
            } catch (RuntimeException e) {
                LOG.errorf(e, "a window source failed; its windows of this round are lost");
            }
        }
        return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> scrape(Target target, long sentAtMs) {
        LimitedBody[] body = new LimitedBody[1];
        CompletableFuture<HttpResponse<byte[]>> exchange;
        try {
            HttpRequest request = HttpRequest.newBuilder(target.spec.url()).timeout(Duration.ofMillis(target.spec.timeoutMs()))
                    .header("Accept", ACCEPT).GET().build();
            exchange = http.sendAsync(request, info -> body[0] = new LimitedBody(MAX_PAGE_BYTES));
        } catch (RuntimeException e) {
            failed(target, e.toString());
            target.busy.set(false);
            return CompletableFuture.completedFuture(null);
        }
        // handleAsync: the page is read on the agent's scrape threads, not on the JDK's one timer thread.
        return exchange.orTimeout(target.spec.timeoutMs(), TimeUnit.MILLISECONDS).handleAsync((response, error) -> {
            try {
                if (error != null) {
                    if (body[0] != null) {
                        body[0].abort(error); // a page stalled mid-way: close the connection
                    }
                    failed(target, describe(error, target.spec.timeoutMs()));
                } else {
                    answered(target, sentAtMs, response);
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s: reading the page failed", target.name);
                failed(target, e.toString());
            } finally {
                target.busy.set(false);
            }
            return null;
        }, httpThreads);
    }

    private void answered(Target target, long sentAtMs, HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            failed(target, "HTTP " + response.statusCode());
            return;
        }
        Exposition page = ExpositionParser.parse(new String(response.body(), StandardCharsets.UTF_8));
        if (page.badLines() > 0) {
            metrics.unparsableLines(target.name, page.badLines());
            if (target.badLines.on()) {
                LOG.warnf("%s: lines that break the metrics format, skipped: %d (%s); the rest is used. Counted in "
                        + "perch_agent_unparsable_lines_total, logged again when the page is clean", target.name,
                        page.badLines(), String.join("; ", page.problems()));
            }
        } else if (target.badLines.off()) {
            LOG.infof("%s: every line of the page reads again", target.name);
        }
        CounterWindows.Outcome outcome = target.windows.scraped(sentAtMs, clockMs.getAsLong(), page);
        boolean onGrid = true;
        for (CounterWindows.Note note : outcome.notes()) {
            switch (note.kind()) {
                case NEW_BASELINE -> {
                    metrics.newBaseline(target.name);
                    LOG.infof("%s: %s", target.name, note.text());
                }
                case SERIES_MISSING -> LOG.warnf("%s: %s", target.name, note.text());
                case OFF_GRID -> {
                    onGrid = false;
                    offGrid(target, note.text());
                }
                default -> LOG.debugf("%s: %s", target.name, note.text());
            }
        }
        if (onGrid && target.offGrid.off() && target.offGrid.times() >= OFF_GRID_SCRAPES_TO_WARN) {
            LOG.infof("%s: scrapes are on the grid again", target.name);
        }
        outcome.windows().forEach(sink::accept);
        target.answered = true;
        if (target.failing.off()) {
            LOG.infof("%s: answering again after %d failed scrapes", target.name, target.failing.times());
        }
    }

    /**
     * One scrape off the grid is a hiccup (the first connection of the JVM, a pause); several in a
     * row mean no windows at all — a server too slow to answer within a tenth of the interval — and
     * are said once.
     */
    private void offGrid(Target target, String why) {
        target.offGrid.on();
        if (target.offGrid.times() == OFF_GRID_SCRAPES_TO_WARN) {
            LOG.warnf("%s: %d scrapes in a row off the grid (%s): no windows until they are on it again", target.name,
                    OFF_GRID_SCRAPES_TO_WARN, why);
        } else {
            LOG.debugf("%s: %s", target.name, why);
        }
    }

    private void failed(Target target, String reason) {
        metrics.scrapeError(target.name);
        if (target.failing.on()) {
            LOG.warnf("%s: scrape failed (%s): no windows from it until it answers. Counted in "
                    + "perch_agent_scrape_errors_total, logged again when it answers", target.name, reason);
        }
    }

    private static String describe(Throwable error, long timeoutMs) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + timeoutMs + " ms";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (ticks != null) {
            ticks.shutdownNow();
        }
        httpThreads.shutdownNow();
    }
}
