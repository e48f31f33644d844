package dev.perch.cli;

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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code agent --config FILE --print} through the command's own code, on the real clock, against a
 * Triton endpoint serving 100 requests a second of 4 ms each (1.5 ms of it queued): stdout carries
 * only the windows, one JSON line each, with the config's names; bad input is one line for stderr.
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

    @Test
    void badInputIsOneLineWithTheReason() throws Exception {
        assertEquals("--config FILE is required", assertThrows(UsageException.class,
                () -> AgentCommand.start(List.of("--print"), System.out, System::currentTimeMillis)).getMessage());
        assertEquals("unknown option --conifg (accepted: --config)", assertThrows(UsageException.class,
                () -> AgentCommand.start(List.of("--conifg", "x"), System.out, System::currentTimeMillis)).getMessage());
        assertEquals("nowhere.yaml: no such file", assertThrows(UsageException.class,
                () -> AgentCommand.start(List.of("--config", "nowhere.yaml"), System.out, System::currentTimeMillis)).getMessage());
        Path bad = config("node: pi-1\nintervall: 1\n");
        assertEquals(bad + ": intervall: unknown field (known: intervalSec, node, push, targets)", assertThrows(UsageException.class,
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
