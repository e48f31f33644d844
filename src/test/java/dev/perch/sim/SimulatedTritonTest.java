package dev.perch.sim;

import dev.perch.agent.AppBinding;
import dev.perch.agent.CounterWindows;
import dev.perch.agent.ScrapeTarget;
import dev.perch.agent.ScrapedApp;
import dev.perch.agent.scrape.Exposition;
import dev.perch.agent.scrape.ExpositionParser;
import dev.perch.agent.scrape.Presets;
import dev.perch.agent.scrape.Sample;
import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.TelemetryReport;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulated Triton pages against the completions they count, and — the point of them — the
 * agent's reading of them against the cluster's own telemetry: the same requests, so the same
 * windows but for µs rounding.
 */
class SimulatedTritonTest {
    private static final long EPOCH = 1_764_201_600_000L;
    private static final Scenario SCENARIO = ScenarioReader.parse("""
            name: triton
            networkMs: 3
            nodes:
              - {node: n1, memoryMb: 8192, acceleratorTypes: [gpu, edgetpu], frontendServiceMs: 1}
            models:
              small: {edgetpu: {serviceMs: 5, swapMs: 12, memoryMb: 100}, gpu: {serviceMs: 20, memoryMb: 500}}
              large: {edgetpu: {serviceMs: 125, swapMs: 20, memoryMb: 100}, gpu: {serviceMs: 40, memoryMb: 500}}
            apps:
              - {app: a, model: small, ratePerSec: 10, sloMs: 1000}
              - {app: b, model: large, ratePerSec: 10, sloMs: 1000}
              - {app: c, model: small, ratePerSec: 20, sloMs: 1000}
            """, "test scenario");

    private static SimulatedCluster placed() {
        SimulatedCluster cluster = new SimulatedCluster(SCENARIO, 17, EPOCH, 0);
        cluster.apply(new PlanStep.Place("a", "n1/gpu0"));
        cluster.apply(new PlanStep.Place("b", "n1/gpu0"));
        cluster.apply(new PlanStep.Place("c", "n1/tpu0"));
        return cluster;
    }

    private static double value(Exposition page, String name, String model) {
        List<Sample> samples = page.named(name).stream().filter(s -> model.equals(s.label("model"))).toList();
        assertEquals(1, samples.size(), name + " for " + model);
        assertEquals("1", samples.get(0).label("version"));
        assertEquals("counter", page.types().get(name));
        return samples.get(0).value();
    }

    @Test
    void aPageCountsTheAppsGpuCompletionsUpToItsTime() throws Exception {
        SimulatedCluster cluster = placed();
        List<Completion> seen = new ArrayList<>();
        cluster.addCompletionListener(seen::add);
        try (SimulatedTriton triton = new SimulatedTriton(cluster, () -> EPOCH)) {
            for (int s = 0; s < 10; s++) {
                cluster.advanceWindow();
            }
            long at = EPOCH + 6_437;
            for (String app : List.of("a", "b", "c")) {
                String model = SCENARIO.apps().stream().filter(x -> x.app().equals(app)).findFirst().orElseThrow().model();
                List<Completion> due = seen.stream().filter(c -> c.app().equals(app) && c.completionEpochMs() <= at
                        && c.acceleratorType() != AcceleratorType.EDGETPU).toList();
                Exposition page = ExpositionParser.parse(triton.page(app, at));
                assertEquals(0, page.badLines(), page.problems().toString());
                assertEquals(due.size(), value(page, "nv_inference_request_success", model));
                assertEquals(due.size(), value(page, "nv_inference_count", model));
                assertEquals(due.size(), value(page, "nv_inference_exec_count", model));
                assertEquals(Math.round(due.stream().mapToDouble(c -> c.latencyMs() * 1000).sum()),
                        value(page, "nv_inference_request_duration_us", model), 1);
                assertEquals(Math.round(due.stream().mapToDouble(c -> c.queueMs() * 1000).sum()),
                        value(page, "nv_inference_queue_duration_us", model), 1);
                assertEquals(Math.round(due.stream().mapToDouble(c -> c.serviceMs() * 1000).sum()),
                        value(page, "nv_inference_compute_infer_duration_us", model), 1);
                assertEquals(0, value(page, "nv_inference_compute_input_duration_us", model));
                assertEquals(0, value(page, "nv_inference_compute_output_duration_us", model));
                assertEquals(4, page.named("nv_inference_request_failure").size(), "one series per failure reason");
                assertTrue(page.named("nv_inference_request_failure").stream().allMatch(x -> x.value() == 0));
                if (app.equals("c")) {
                    assertEquals(0, due.size());
                    assertTrue(seen.stream().anyMatch(x -> x.app().equals("c")), "c completes requests, on its Edge TPU");
                } else {
                    assertTrue(due.size() > 40, app + ": " + due.size());
                }
            }
            assertNull(triton.page("nobody", at));
        }
    }

    @Test
    void theAgentReadsFromThePagesWhatTheClusterReportsDirectly() throws Exception {
        SimulatedCluster cluster = placed();
        try (SimulatedTriton triton = new SimulatedTriton(cluster, () -> EPOCH)) {
            Map<String, CounterWindows> agents = new HashMap<>();
            for (String app : List.of("a", "b")) {
                String model = app.equals("a") ? "small" : "large";
                ScrapeTarget target = new ScrapeTarget(URI.create("http://127.0.0.1:8002/" + app + "/metrics"),
                        Presets.TRITON, 500, List.of(new ScrapedApp(model, new AppBinding(app, model, "n1/gpu0", "gpu"))));
                agents.put(app, new CounterWindows("n1", target, 1_000));
                assertTrue(agents.get(app).scraped(EPOCH, EPOCH, ExpositionParser.parse(triton.page(app, EPOCH)))
                        .windows().isEmpty(), "the baseline");
            }
            int compared = 0;
            for (int s = 1; s <= 60; s++) {
                List<TelemetryReport> direct = cluster.advanceWindow();
                long at = EPOCH + s * 1_000L;
                for (String app : List.of("a", "b")) {
                    List<TelemetryReport> read = agents.get(app).scraped(at, at,
                            ExpositionParser.parse(triton.page(app, at))).windows();
                    TelemetryReport truth = direct.stream().filter(r -> r.app().equals(app)).findFirst().orElseThrow();
                    assertEquals(1, read.size(), app + " at " + s + " s");
                    TelemetryReport agent = read.get(0);
                    assertEquals(truth.windowStartMs(), agent.windowStartMs());
                    assertEquals(truth.windowEndMs(), agent.windowEndMs());
                    assertEquals(truth.requests(), agent.requests(), app + " at " + s + " s");
                    if (truth.requests() == 0) {
                        continue;
                    }
                    close(truth.latencyMs().mean(), agent.latencyMs().mean(), app + " latency at " + s + " s");
                    close(truth.serviceMs().mean(), agent.serviceMs().mean(), app + " service at " + s + " s");
                    close(truth.queueMs().mean(), agent.queueMs().mean(), app + " queue at " + s + " s");
                    compared++;
                }
            }
            assertTrue(compared > 100, compared + " windows compared");
        }
    }

    private static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, Math.max(expected * 0.01, 0.002), what);
    }

    @Test
    void theServerAnswersKnownAppsAndOnlyThem() throws Exception {
        SimulatedCluster cluster = placed();
        try (SimulatedTriton triton = new SimulatedTriton(cluster, () -> EPOCH + 2_000)) {
            cluster.advanceWindow();
            cluster.advanceWindow();
            cluster.advanceWindow();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI base = URI.create("http://127.0.0.1:" + triton.port());
            HttpResponse<String> known = client.send(HttpRequest.newBuilder(base.resolve("/a/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, known.statusCode());
            assertEquals(SimulatedTriton.CONTENT_TYPE, known.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(triton.page("a", EPOCH + 2_000), known.body());
            assertNotNull(known.body());
            assertTrue(value(ExpositionParser.parse(known.body()), "nv_inference_request_success", "small") > 0);
            assertEquals(404, client.send(HttpRequest.newBuilder(base.resolve("/nobody/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(404, client.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(405, client.send(HttpRequest.newBuilder(base.resolve("/a/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }
}
