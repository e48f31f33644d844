package dev.perch.sim;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.telemetry.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The inference loops of the simulated cluster's Edge TPU apps, pushing each request they served to
 * Perch's node agent on the node that served it ({@code POST /v1/requests}, JSON lines of
 * {@code app}, {@code model}, {@code arrivalMs}, {@code serviceStartMs}, {@code completionMs} in
 * epoch ms) — the path a real Edge TPU app takes, since no inference server there has a metrics
 * page. Every {@value #PERIOD_MS} ms, per node, the requests completed by the clock so far go in
 * one body (or a few, {@value #MAX_RECORDS_PER_BODY} records each).
 *
 * <p>Nothing is sent twice: a record the agent refused, or one that never reached it, is lost and
 * counted, as a real loop that must keep serving would lose it; resending a body the agent answered
 * 400 would count its kept records twice. Records wait at most {@value #MAX_HELD} strong, the oldest
 * dropped beyond, so a dead agent cannot grow memory. A change in how an agent answers is logged
 * once, not every round.
 */
public final class SimulatedPushers implements AutoCloseable {
    static final long PERIOD_MS = 250;
    static final int MAX_HELD = 100_000;
    /** Well under the agent's default body limit of 1 MiB: a record is about 130 bytes. */
    static final int MAX_RECORDS_PER_BODY = 5_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final System.Logger LOG = System.getLogger(SimulatedPushers.class.getName());

    private final Function<String, Optional<URI>> agents;
    private final LongSupplier nowEpochMs;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();
    /** Completions in completion order, waiting for the clock; guarded by itself. */
    private final ArrayDeque<Completion> held = new ArrayDeque<>();
    /** Each node's last way of answering, for logging changes only; guarded by {@link #rounds}. */
    private final Map<String, String> states = new HashMap<>();
    private final Object rounds = new Object();
    private final AtomicLong posted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private ScheduledExecutorService scheduler;
    private boolean closed;

    /** The agent's answer to a body: a count of kept and refused records with reasons, or why it read none. */
    record Answer(Long accepted, Long rejected, List<Rejection> errors, String error) {
    }

    /** A refused record: its index in the body and the reason. */
    record Rejection(int index, String reason) {
    }

    /**
     * Holds the cluster's Edge TPU requests from now on; nothing is sent before {@link #start()} or
     * {@link #flush(long)}.
     *
     * @param agents     a node's agent push URL ({@code http://127.0.0.1:PORT/v1/requests}), if it has an agent
     * @param nowEpochMs the clock requests become due by (ms since the epoch, the simulated time that has come)
     */
    public SimulatedPushers(SimulatedCluster cluster, Function<String, Optional<URI>> agents, LongSupplier nowEpochMs) {
        this.agents = agents;
        this.nowEpochMs = nowEpochMs;
        cluster.addCompletionListener(this::completed);
    }

    private void completed(Completion completion) {
        if (completion.acceleratorType() != AcceleratorType.EDGETPU) {
            return;
        }
        synchronized (held) {
            if (closed) {
                return;
            }
            held.addLast(completion);
            if (held.size() > MAX_HELD) {
                held.pollFirst();
                dropped.incrementAndGet();
            }
        }
    }

    /** Pushes every {@value #PERIOD_MS} ms on a daemon thread, by the clock given. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "simulated-pushers");
            thread.setDaemon(true);
            return thread;
        });
        // Fixed delay: an agent that takes its full timeout delays the next round instead of stacking rounds up.
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                flush(nowEpochMs.getAsLong());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a push round failed; the next one runs as planned", e);
            }
        }, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** One round, on the caller's thread: posts the records completed by {@code nowEpochMs}, per node. */
    public void flush(long nowEpochMs) {
        synchronized (rounds) {
            Map<String, List<Completion>> due = new LinkedHashMap<>();
            synchronized (held) {
                while (!held.isEmpty() && held.peekFirst().completionEpochMs() <= nowEpochMs) {
                    Completion completion = held.pollFirst();
                    due.computeIfAbsent(completion.node(), n -> new ArrayList<>()).add(completion);
                }
            }
            due.forEach(this::push);
        }
    }

    private void push(String node, List<Completion> records) {
        Optional<URI> agent = agents.apply(node);
        if (agent.isEmpty()) {
            dropped.addAndGet(records.size());
            note(node, "no agent", node + " has no agent to push to: its Edge TPU apps' requests are dropped");
            return;
        }
        for (int from = 0; from < records.size(); from += MAX_RECORDS_PER_BODY) {
            post(node, agent.get(), records.subList(from, Math.min(records.size(), from + MAX_RECORDS_PER_BODY)));
        }
    }

    private void post(String node, URI agent, List<Completion> records) {
        HttpRequest request = HttpRequest.newBuilder(agent).timeout(TIMEOUT)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body(records))).build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            dropped.addAndGet(records.size());
            note(node, "unreachable", node + "'s agent at " + agent + " is unreachable (" + e + "); its records are dropped");
            return;
        } catch (InterruptedException e) {
            dropped.addAndGet(records.size());
            Thread.currentThread().interrupt();
            return;
        }
        posted.addAndGet(records.size());
        int status = response.statusCode();
        if (status / 100 == 2) {
            note(node, "accepting", node + "'s agent accepts records");
            return;
        }
        Answer answer = answer(response.body());
        long refusedNow = status == 400 && answer != null && answer.rejected() != null ? answer.rejected() : records.size();
        refused.addAndGet(refusedNow);
        String reason = answer == null ? "" : answer.errors() != null && !answer.errors().isEmpty()
                ? answer.errors().get(0).reason() : answer.error() == null ? "" : answer.error();
        note(node, "refusing " + status, String.format(Locale.ROOT, "%s's agent refused %d of %d records (HTTP %d)%s",
                node, refusedNow, records.size(), status, reason.isEmpty() ? "" : ": " + reason));
    }

    /** Null when the answer is not the agent's JSON (a proxy's error page, say): then every record counts as refused. */
    private static Answer answer(String body) {
        try {
            return Json.read(body, Answer.class);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Logs a node's answer when it differs from the last; the first answers it accepts are not news. */
    private void note(String node, String state, String message) {
        String before = states.put(node, state);
        if (state.equals(before) || before == null && state.equals("accepting")) {
            return;
        }
        LOG.log(state.equals("accepting") ? Level.INFO : Level.WARNING, message);
    }

    /** JSON lines, times to the µs: rounding each the same way keeps them in order, as the agent checks. */
    static String body(List<Completion> records) {
        StringBuilder body = new StringBuilder(records.size() * 140);
        for (Completion c : records) {
            body.append("{\"app\":").append(Json.write(c.app()))
                    .append(",\"model\":").append(Json.write(c.model()))
                    .append(String.format(Locale.ROOT, ",\"arrivalMs\":%.3f,\"serviceStartMs\":%.3f,\"completionMs\":%.3f}\n",
                            c.arrivalEpochMs(), c.serviceStartEpochMs(), c.completionEpochMs()));
        }
        return body.toString();
    }

    /** Records sent to an agent that answered, refused ones included. */
    public long postedRecords() {
        return posted.get();
    }

    /** Records an agent answered it did not keep. */
    public long refusedRecords() {
        return refused.get();
    }

    /** Records that never reached an agent: none known for the node, unreachable, or held past the bound. */
    public long droppedRecords() {
        return dropped.get();
    }

    /** Stops pushing; requests that complete from now on are ignored. */
    @Override
    public void close() {
        synchronized (held) {
            closed = true;
            held.clear();
        }
        synchronized (this) {
            if (scheduler != null) {
                scheduler.shutdownNow();
            }
        }
    }
}
