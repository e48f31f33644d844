package dev.perch.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.AppSpec;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * The simulated cluster's GPU and CPU apps as NVIDIA Triton Inference Servers, one per app (a pod per
 * app), each with its metrics page at {@code GET /{app}/metrics} on one HTTP server bound to
 * 127.0.0.1 — what Perch's node agent scrapes with its {@code triton} preset. The page holds
 * Triton's per-model counters, cumulative since the server started, over the app's requests that
 * completed on a GPU or CPU up to the moment the page is read; Edge TPU apps push their requests
 * instead ({@link SimulatedPushers}), so their pages stay at zero.
 *
 * <p>The request duration is the simulator's end-to-end latency (network and front end included,
 * where a real Triton would time from the request's arrival at the server): the agent then learns
 * what the cluster's direct telemetry reports, and the two paths can be compared figure for figure.
 * Compute infer is the request's service time, queue the rest of its time on the accelerator.
 *
 * <p>The simulator runs ahead of the clock the pages are read by, so completions wait until their
 * time has come; a page never shows a request that has not yet completed by that clock.
 */
public final class SimulatedTriton implements AutoCloseable {
    /** The Prometheus text format, as Triton answers. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /**
     * Completions held for their time beyond this many are folded in early, so pages nobody reads
     * cannot grow memory; the simulator runs about a second ahead, far fewer requests than this, so
     * a page that is read never shows one early.
     */
    static final int MAX_WAITING = 200_000;
    /** Triton's failure reasons (since 2.45), each a series of its own. */
    private static final String[] FAILURE_REASONS = {"OTHER", "BACKEND", "CANCELED", "REJECTED"};

    private final LongSupplier nowEpochMs;
    private final Map<String, Counters> counters = new LinkedHashMap<>();
    private final ArrayDeque<Completion> waiting = new ArrayDeque<>();
    private final HttpServer server;
    private final ExecutorService executor;
    private boolean closed;

    /** One app's counters: whole counts and running sums in µs, rounded only when written. */
    private static final class Counters {
        final String model;
        long requests;
        double requestUs;
        double queueUs;
        double inferUs;

        Counters(String model) {
            this.model = model;
        }
    }

    /**
     * Starts the server on a free port and counts the cluster's requests from now on.
     *
     * @param nowEpochMs the clock pages are read by (ms since the epoch, the simulated time that has come)
     */
    public SimulatedTriton(SimulatedCluster cluster, LongSupplier nowEpochMs) throws IOException {
        this.nowEpochMs = nowEpochMs;
        for (AppSpec app : cluster.scenario().apps()) {
            counters.put(app.app(), new Counters(app.model()));
        }
        cluster.addCompletionListener(this::completed);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "simulated-triton");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private synchronized void completed(Completion completion) {
        if (closed || completion.acceleratorType() == AcceleratorType.EDGETPU || !counters.containsKey(completion.app())) {
            return;
        }
        waiting.addLast(completion);
        while (waiting.size() > MAX_WAITING) {
            fold(waiting.pollFirst());
        }
    }

    private void fold(Completion completion) {
        Counters app = counters.get(completion.app());
        app.requests++;
        app.requestUs += completion.latencyMs() * 1000;
        app.queueUs += completion.queueMs() * 1000;
        app.inferUs += completion.serviceMs() * 1000;
    }

    /**
     * The app's metrics page at {@code nowEpochMs}, or null for an app the cluster does not have.
     * Counters never go back: a page read for an earlier moment than the last one shows the last.
     */
    synchronized String page(String app, long nowEpochMs) {
        // Completions come in completion order, so those due are at the head.
        while (!waiting.isEmpty() && waiting.peekFirst().completionEpochMs() <= nowEpochMs) {
            fold(waiting.pollFirst());
        }
        Counters c = counters.get(app);
        if (c == null) {
            return null;
        }
        String labels = "{model=\"" + escape(c.model) + "\",version=\"1\"}";
        StringBuilder page = new StringBuilder(2048);
        family(page, "nv_inference_request_success", "Number of successful inference requests, all batch sizes");
        page.append("nv_inference_request_success").append(labels).append(' ').append(c.requests).append('\n');
        family(page, "nv_inference_request_failure", "Number of failed inference requests, all batch sizes");
        for (String reason : FAILURE_REASONS) {
            page.append("nv_inference_request_failure{model=\"").append(escape(c.model)).append("\",reason=\"")
                    .append(reason).append("\",version=\"1\"} 0\n");
        }
        // Batch size 1, one execution per request: the simulator serves requests one by one.
        counter(page, "nv_inference_count", "Number of inferences performed (does not include cached requests)",
                labels, c.requests);
        counter(page, "nv_inference_exec_count", "Number of model executions performed (does not include cached requests)",
                labels, c.requests);
        counter(page, "nv_inference_request_duration_us",
                "Cumulative inference request duration in microseconds (includes cached requests)", labels,
                Math.round(c.requestUs));
        counter(page, "nv_inference_queue_duration_us",
                "Cumulative inference queuing duration in microseconds (includes cached requests)", labels,
                Math.round(c.queueUs));
        counter(page, "nv_inference_compute_input_duration_us",
                "Cumulative compute input duration in microseconds (does not include cached requests)", labels, 0);
        counter(page, "nv_inference_compute_infer_duration_us",
                "Cumulative compute inference duration in microseconds (does not include cached requests)", labels,
                Math.round(c.inferUs));
        counter(page, "nv_inference_compute_output_duration_us",
                "Cumulative inference compute output duration in microseconds (does not include cached requests)",
                labels, 0);
        return page.toString();
    }

    private static void family(StringBuilder page, String name, String help) {
        page.append("# HELP ").append(name).append(' ').append(help).append('\n');
        page.append("# TYPE ").append(name).append(" counter\n");
    }

    private static void counter(StringBuilder page, String name, String help, String labels, long value) {
        family(page, name, help);
        page.append(name).append(labels).append(' ').append(value).append('\n');
    }

    /** Model ids are plain, but a label value must stay one even if one were not. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "method " + method + " not allowed\n", "text/plain; charset=utf-8");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String app = path.startsWith("/") && path.endsWith("/metrics") && path.length() > "//metrics".length()
                    ? path.substring(1, path.length() - "/metrics".length()) : null;
            String page = app == null ? null : page(app, nowEpochMs.getAsLong());
            if (page == null) {
                send(exchange, 404, "no such app's server: pages are at /{app}/metrics\n", "text/plain; charset=utf-8");
                return;
            }
            send(exchange, 200, page, CONTENT_TYPE);
        }
    }

    private static void send(HttpExchange exchange, int status, String body, String contentType) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops the server; the cluster keeps calling the listener, which from then on ignores every request. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            waiting.clear();
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
