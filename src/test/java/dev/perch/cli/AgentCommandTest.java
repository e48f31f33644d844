package dev.perch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.perch.agent.Agent;
import dev.perch.telemetry.ContractTest;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code agent --config FILE --print} through the command's own code, on the real clock, against a
 * Triton endpoint serving 100 requests a second of 4 ms each (1.5 ms of it queued): stdout carries
 * only the windows, one JSON line each, with the config's names; bad input is one line for stderr.
 * And requests pushed to the agent's port come out as the same printed windows.
 */
class AgentCommandTest {
    private static Path config(String body) throws Exception {
        Path file = Files.createTempFile("agent", ".yaml");
        Files.writeString(file, body);
        return file;
    }

    /** Counters as a function of the real clock: one request every 10 ms since the server started. */
    private static HttpServer triton() throws Exception {
        long startMs = System.currentTimeMillis();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", exchange -> {
            long n = (System.currentTimeMillis() - startMs) / 10;
            byte[] page = String.format(Locale.ROOT, """
                    nv_inference_request_success{model="resnet50_onnx",version="1"} %d
                    nv_inference_request_duration_us{model="resnet50_onnx",version="1"} %d
                    nv_inference_queue_duration_us{model="resnet50_onnx",version="1"} %d
                    nv_inference_compute_input_duration_us{model="resnet50_onnx",version="1"} %d
                    nv_inference_compute_infer_duration_us{model="resnet50_onnx",version="1"} %d
                    nv_inference_compute_output_duration_us{model="resnet50_onnx",version="1"} %d
                    """, n, n * 4000, n * 1500, n * 100, n * 2300, n * 100).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        server.start();
        return server;
    }

    @Test
    void printWritesEachWindowAsOneJsonLineOnStdout() throws Exception {
        HttpServer server = triton();
        Path file = config("""
                node: pi-1
                targets:
                  - url: http://127.0.0.1:%d/metrics
                    preset: triton
                    apps:
                      - {app: cam-1, serverModel: resnet50_onnx, model: resnet_50, accelerator: pi-1/gpu0, acceleratorType: gpu}
                push: {port: 0}
                """.formatted(server.getAddress().getPort()));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        try (Agent agent = AgentCommand.start(List.of("--config", file.toString(), "--print"), out,
                System::currentTimeMillis)) {
            // the first scrape is the baseline; wait for three windows after it (a few seconds of real time)
            for (int i = 0; i < 200 && captured.toString(StandardCharsets.UTF_8).lines().count() < 3; i++) {
                Thread.sleep(50);
            }
            assertEquals(0, agent.metrics().scrapeErrors("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics"));
        } finally {
            server.stop(0);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.size() >= 3, "windows printed: " + lines);
        for (String line : lines) {
            ContractTest.assertValid(Topics.TELEMETRY, line);
            TelemetryReport window = Json.read(line, TelemetryReport.class);
            assertEquals(List.of("pi-1", "cam-1", "resnet_50", "pi-1/gpu0", "gpu"), List.of(window.node(), window.app(),
                    window.model(), window.accelerator(), window.acceleratorType()));
            assertEquals(0, window.windowStartMs() % 1000, "on the second");
            assertEquals(0, window.windowEndMs() % 1000, "on the second");
            if (window.requests() > 0) { // every request took the same: the means are exact whatever the scheduler did
                assertEquals(4.0, window.latencyMs().mean());
                assertEquals(1.5, window.queueMs().mean());
                assertEquals(2.5, window.serviceMs().mean());
            }
        }
    }

    /**
     * Push through the command: 40 requests completing in one wall-clock second (latencies 5 to 44 ms
     * in a shuffled order, 1 ms of each queued) and a bad record among them, POSTed to the agent's
     * port. The bad one is answered 400 with its index; the good ones come out as that second's
     * printed window, with the requests, mean and p95 the test computes from what it sent.
     */
    @Test
    void pushedRequestsArePrintedAsTheirSecondsWindow() throws Exception {
        Path file = config("""
                node: pi-1
                push:
                  port: 0
                  graceMs: 10000
                  apps:
                    - {app: cam-7, model: mobilenet_v2, accelerator: pi-1/tpu0, acceleratorType: edgetpu}
                """);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        List<Double> latencies = new ArrayList<>();
        long windowStartMs;
        try (Agent agent = AgentCommand.start(List.of("--config", file.toString(), "--print"), out,
                System::currentTimeMillis)) {
            // the receiver's first window is the first whole second after it was made: send into one at or after it
            long firstWindowMs = Math.floorDiv(System.currentTimeMillis() + 999, 1000) * 1000;
            while (System.currentTimeMillis() < firstWindowMs) {
                Thread.sleep(10);
            }
            windowStartMs = Math.floorDiv(System.currentTimeMillis(), 1000) * 1000;
            List<String> records = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int latency = 5 + (i * 17) % 40; // 17 and 40 are coprime: each of 5..44 once
                long completion = windowStartMs + 10L * i;
                records.add(String.format(Locale.ROOT,
                        "{\"app\":\"cam-7\",\"model\":\"mobilenet_v2\",\"arrivalMs\":%d,\"serviceStartMs\":%d,\"completionMs\":%d}",
                        completion - latency, completion - latency + 1, completion));
                latencies.add((double) latency);
            }
            records.add(3, String.format(Locale.ROOT, "{\"app\":\"cam-7\",\"model\":\"mobilenet_v2\",\"arrivalMs\":%d,"
                    + "\"completionMs\":%d}", windowStartMs + 50, windowStartMs + 40)); // completes before it arrives
            URI push = URI.create("http://127.0.0.1:" + agent.address().getPort() + "/v1/requests");
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(push)
                    .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", records) + "]")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, answer.statusCode(), answer.body());
            JsonNode json = Json.MAPPER.readTree(answer.body());
            assertEquals(40, json.get("accepted").asLong(), answer.body());
            assertEquals(1, json.get("rejected").asLong(), answer.body());
            assertEquals(1, json.get("errors").size(), answer.body());
            assertEquals(3, json.get("errors").get(0).get("index").asInt(), answer.body());

            // published once the second and its grace have passed; a grace of 10 s keeps a slow
            // machine's POST inside the window's open time
            for (int i = 0; i < 600 && window(captured, windowStartMs) == null; i++) {
                Thread.sleep(50);
            }
            String metrics = client.send(HttpRequest.newBuilder(push.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("\nperch_agent_push_records_accepted_total 40\n"), metrics);
            assertTrue(metrics.contains("\nperch_agent_push_records_rejected_total 1\n"), metrics);
            assertTrue(metrics.contains("\nperch_agent_push_bodies_refused_total 0\n"), metrics);
        }
        TelemetryReport window = window(captured, windowStartMs);
        assertNotNull(window, "no window for [" + windowStartMs + ", +1000) printed: " + captured.toString(StandardCharsets.UTF_8));
        List<Double> sorted = latencies.stream().sorted().toList();
        double mean = latencies.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double p95 = sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1); // nearest rank
        assertEquals(List.of("pi-1", "cam-7", "mobilenet_v2", "pi-1/tpu0", "edgetpu"), List.of(window.node(), window.app(),
                window.model(), window.accelerator(), window.acceleratorType()));
        assertEquals(windowStartMs + 1000, window.windowEndMs());
        assertEquals(40, window.requests());
        assertEquals(mean, window.latencyMs().mean(), 1e-9);
        assertEquals(p95, window.latencyMs().p95());
        assertEquals(mean - 1, window.serviceMs().mean(), 1e-9);
        assertEquals(1.0, window.queueMs().mean(), 1e-9);
        for (String line : captured.toString(StandardCharsets.UTF_8).lines().toList()) {
            ContractTest.assertValid(Topics.TELEMETRY, line);
        }
    }

    /** The printed window of cam-7 that starts at {@code startMs}, or null while there is none. */
    private static TelemetryReport window(ByteArrayOutputStream captured, long startMs) {
        return captured.toString(StandardCharsets.UTF_8).lines().map(line -> Json.read(line, TelemetryReport.class))
                .filter(w -> w.windowStartMs() == startMs).findFirst().orElse(null);
    }

    @Test
    void badInputIsOneLineWithTheReason() throws Exception {
        assertEquals("--config FILE is required", assertThrows(UsageException.class,
                () -> AgentCommand.start(List.of("--print"), System.out, System::currentTimeMillis)).getMessage());
        assertEquals("unknown option --conifg (accepted: --config, --node)", assertThrows(UsageException.class,
                () -> AgentCommand.start(List.of("--conifg", "x"), System.out, System::currentTimeMillis)).getMessage());
        assertEquals("nowhere.yaml: no such file", assertThrows(UsageException.class,
                () -> AgentCommand.start(List.of("--config", "nowhere.yaml"), System.out, System::currentTimeMillis)).getMessage());
        Path bad = config("node: pi-1\nintervall: 1\n");
        assertEquals(bad + ": intervall: unknown field (known: followApps, intervalSec, node, push, targets)", assertThrows(UsageException.class,
                () -> AgentCommand.start(List.of("--config", bad.toString(), "--print"), System.out, System::currentTimeMillis))
                .getMessage());
    }

    @Test
    void withoutPrintItNeedsKafka() throws Exception {
        assumeTrue(PipelineBoot.configuredBootstrapServers() == null, "Kafka is configured in this environment");
        Path file = config("node: n\npush: {port: 0, apps: [{app: a, model: m, accelerator: n/tpu0, acceleratorType: edgetpu}]}\n");
        assertEquals("agent publishes to Kafka: set KAFKA_BOOTSTRAP_SERVERS (or -Dkafka.bootstrap.servers), or add --print to"
                + " print the windows instead", assertThrows(UsageException.class,
                () -> AgentCommand.start(List.of("--config", file.toString()), System.out, System::currentTimeMillis)).getMessage());
    }
}
