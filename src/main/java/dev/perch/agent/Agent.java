package dev.perch.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.perch.telemetry.Json;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The node agent ({@code perch agent}): scrapes its targets every interval into telemetry windows
 * and hands them to a sink, and serves its one HTTP port ({@code push.port} on
 * {@code push.bindAddress}) with {@code /health} and {@code /metrics}. It wires itself — no Quarkus,
 * no Streams — since it runs alone on every node.
 *
 * <p>Two seams for what runs beside the scraping (the push receiver): {@link #mount} serves another
 * handler on the same port, and {@link #addWindowSource} has windows made elsewhere published through
 * the same sink, polled at every grid point.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Agent.class);

    private final AgentConfig config;
    private final AgentMetrics metrics;
    private final WindowSink sink;
    private final ScrapeLoop loop;
    private final HttpServer server;
    private final ExecutorService serverThreads;
    private volatile Consumer<List<AppBinding>> pushApps = apps -> { };
    private volatile Map<String, String> waiting = Map.of();
    private final List<AutoCloseable> feeders = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Agent(AgentConfig config, AgentMetrics metrics, WindowSink sink, ScrapeLoop loop, HttpServer server,
                  ExecutorService serverThreads) {
        this.config = config;
        this.metrics = metrics;
        this.sink = sink;
        this.loop = loop;
        this.server = server;
        this.serverThreads = serverThreads;
    }

    /**
     * Binds the port and returns an agent that does not scrape yet: mount handlers and add sources,
     * then {@link #start()}.
     *
     * @param clockMs the wall clock in epoch ms (injected so that tests choose the time)
     * @throws AgentConfigException when the port cannot be bound (in use, or an address not on this
     *                              node): a setting the operator must change
     */
    public static Agent create(AgentConfig config, WindowSink sink, AgentMetrics metrics, LongSupplier clockMs) {
        PushSettings push = config.push();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(push.bindAddress(), push.port()), 0);
        } catch (IOException | RuntimeException e) {
            throw new AgentConfigException("cannot listen on " + push.bindAddress() + ":" + push.port()
                    + " (push.bindAddress, push.port): " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        ExecutorService threads = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "perch-agent-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        ScrapeLoop loop = new ScrapeLoop(config, sink, metrics, clockMs);
        Agent agent = new Agent(config, metrics, sink, loop, server, threads);
        server.createContext("/health", agent::health);
        server.createContext("/metrics", agent::metricsPage);
        return agent;
    }

    /** Serves the port and starts scraping at the next grid point. */
    public Agent start() {
        serve();
        loop.start();
        LOG.infof("perch agent on node %s: %d targets, %d pushing apps%s, every %d s; serving http://%s:%d/health and /metrics",
                config.node(), config.targets().size(), config.push().apps().size(),
                config.followApps() ? " from the config, and the apps Perch places here" : "", config.intervalSec(),
                address().getHostString(), address().getPort());
        return this;
    }

    /** Serves {@code handler} at {@code path} on the agent's port (e.g. the push receiver at {@code /v1/requests}). */
    public void mount(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    /**
     * Carries exactly {@code apps} from now on — the config's and those Perch has placed on the node
     * ({@link FollowedApps#over}) — without a restart: the scrape loop re-targets and the push
     * receiver, if one is attached, takes pushes for the new set.
     */
    public void carry(FollowedApps apps) {
        loop.retarget(apps.targets());
        pushApps.accept(apps.push());
        waiting = new TreeMap<>(apps.waiting());
    }

    /** Where {@link #carry} sends the push apps: the push receiver's windower, once attached. */
    public void onPushApps(Consumer<List<AppBinding>> rebind) {
        this.pushApps = rebind;
    }

    /** Publishes the windows {@code source} has due at every grid point, through the agent's sink. */
    public void addWindowSource(WindowSource source) {
        loop.addSource(source);
    }

    /** Serves the port without scraping by the clock (for tests, which run the rounds themselves). */
    Agent serve() {
        server.start();
        return this;
    }

    /** One round now, as the scheduler runs them (for tests, which choose the time). */
    java.util.concurrent.CompletableFuture<Void> round(long nowMs) {
        return loop.round(nowMs);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    public AgentConfig config() {
        return config;
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    /**
     * The health page: up while the agent serves, with each target's state and, for an agent that
     * follows Perch's placements, each app of its node it cannot carry yet and why.
     */
    record Health(String status, String node, List<ScrapeLoop.TargetState> targets, Map<String, String> waiting) {
    }

    private void health(HttpExchange exchange) throws IOException {
        respond(exchange, "application/json", Json.write(new Health("up", config.node(), loop.states(), waiting)));
    }

    private void metricsPage(HttpExchange exchange) throws IOException {
        respond(exchange, "text/plain; version=0.0.4; charset=utf-8", metrics.exposition());
    }

    private static void respond(HttpExchange exchange, String contentType, String body) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, method.equals("HEAD") ? -1 : bytes.length);
            if (method.equals("GET")) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    /** Closes {@code feeder} (what tells the agent what to carry) first when the agent closes. */
    public void closeFirst(AutoCloseable feeder) {
        feeders.add(feeder);
    }

    /** Stops what feeds it, scraping and serving, then lets the sink deliver what it holds. */
    @Override
    public void close() {
        for (AutoCloseable feeder : feeders) {
            try {
                feeder.close();
            } catch (Exception e) {
                LOG.warnf("closing %s failed: %s", feeder, e.getMessage());
            }
        }
        loop.close();
        server.stop(0);
        serverThreads.shutdownNow();
        sink.close();
    }
}
