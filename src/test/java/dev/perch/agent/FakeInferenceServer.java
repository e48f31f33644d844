package dev.perch.agent;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * A metrics endpoint on a free local port whose page is a function of the test's clock, and which
 * can be told to fail (HTTP 500) or to stall (answer after the agent has given up) at given moments.
 */
final class FakeInferenceServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    final Set<Long> failAtMs = ConcurrentHashMap.newKeySet();
    final Set<Long> stallAtMs = ConcurrentHashMap.newKeySet();

    /**
     * @param clockMs the test's clock, read when a request arrives
     * @param page    the page at a moment
     * @param gridMs  the grid a moment is rounded down to when checking {@link #failAtMs} and {@link #stallAtMs}
     */
    FakeInferenceServer(LongSupplier clockMs, LongFunction<String> page, long gridMs) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(threads);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                long now = clockMs.getAsLong();
                long second = Math.floorDiv(now, gridMs) * gridMs;
                if (failAtMs.contains(second)) {
                    exchange.sendResponseHeaders(500, -1);
                    return;
                }
                if (stallAtMs.contains(second)) {
                    try {
                        Thread.sleep(2_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                byte[] body = page.apply(now).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (IOException e) {
                // the agent hung up on a stalled answer: as a real server, carry on
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
