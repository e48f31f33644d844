package dev.perch.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.agent.scrape.Exposition;
import dev.perch.agent.scrape.ExpositionParser;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.TelemetryReport;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's own port: health, its metrics in a format its own parser reads, and the seams for the push receiver. */
class AgentTest {
    private static final long T0 = 1_764_201_600_000L;
    private final HttpClient http = HttpClient.newHttpClient();

    private static AgentConfig config(String targetUrl) {
        return AgentConfigReader.parse("""
                node: pi-1
                targets:
                  - url: %s
                    preset: triton
                    apps: [{app: cam-1, serverModel: m, model: resnet_50, accelerator: pi-1/gpu0, acceleratorType: gpu}]
                push: {port: 0}
                """.formatted(targetUrl), "test.yaml");
    }

    private String get(Agent agent, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + agent.address().getPort() + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path);
        return response.body();
    }

    @Test
    void servesHealthAndMetricsAndCountsAFailingTarget() throws Exception {
        String nothingListens = "http://127.0.0.1:9/metrics";
        List<TelemetryReport> published = Collections.synchronizedList(new ArrayList<>());
        AgentMetrics metrics = new AgentMetrics();
        try (Agent agent = Agent.create(config(nothingListens), collecting(published), metrics, () -> T0).serve()) {
            agent.round(T0).get(10, TimeUnit.SECONDS);
            JsonNode health = Json.read(get(agent, "/health"), JsonNode.class);
            assertEquals("up", health.get("status").asText());
            assertEquals("pi-1", health.get("node").asText());
            assertEquals("failing", health.get("targets").get(0).get("state").asText());

            Exposition page = ExpositionParser.parse(get(agent, "/metrics"));
            assertEquals(0, page.badLines(), page.problems().toString());
            assertEquals(1, page.named("perch_agent_scrape_errors_total").get(0).value());
            assertEquals(nothingListens, page.named("perch_agent_scrape_errors_total").get(0).label("target"));
            assertEquals(0, page.named("perch_agent_windows_published_total").get(0).value());
            assertEquals(3, page.named("perch_agent_windows_dropped_total").size());
            assertEquals("counter", page.types().get("perch_agent_unparsable_lines_total"));

            HttpResponse<Void> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.address().getPort()
                    + "/health")).timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(405, post.statusCode());
        }
    }

    @Test
    void labelValuesAreEscapedSoThatAParserReadsThemBack() {
        AgentMetrics metrics = new AgentMetrics();
        String odd = "http://h/m?q=\"x\"\\y\nz";
        metrics.scrapeError(odd);
        Exposition page = ExpositionParser.parse(metrics.exposition());
        assertEquals(0, page.badLines(), page.problems().toString());
        assertEquals(odd, page.named("perch_agent_scrape_errors_total").get(0).label("target"));
    }

    @Test
    void mountsMoreHandlersAndPublishesOtherSourcesWindowsEachRound() throws Exception {
        List<TelemetryReport> published = Collections.synchronizedList(new ArrayList<>());
        AgentMetrics metrics = new AgentMetrics();
        metrics.include(() -> "# TYPE perch_agent_push_records_total counter\nperch_agent_push_records_total 7");
        try (Agent agent = Agent.create(config("http://127.0.0.1:9/metrics"), collecting(published), metrics, () -> T0).serve()) {
            agent.mount("/v1/requests", exchange -> {
                byte[] body = "mounted".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            TelemetryReport pushed = KafkaSinkTest.window(0, "pi-1/tpu0");
            List<Long> polledAt = Collections.synchronizedList(new ArrayList<>());
            agent.addWindowSource(now -> {
                polledAt.add(now);
                return polledAt.size() == 1 ? List.of(pushed) : List.of();
            });
            agent.round(T0).get(10, TimeUnit.SECONDS);
            agent.round(T0 + 1_000).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(T0, T0 + 1_000), polledAt, "polled once a round, with the round's time");
            assertEquals(List.of(pushed), published, "its windows go through the agent's sink, once");
            assertEquals("mounted", get(agent, "/v1/requests"));
            assertTrue(get(agent, "/metrics").contains("\nperch_agent_push_records_total 7\n"));
        }
    }

    @Test
    void aPortInUseIsRefusedWithTheSettingToChange() throws Exception {
        try (Agent first = Agent.create(config("http://127.0.0.1:9/metrics"), collecting(new ArrayList<>()), new AgentMetrics(),
                () -> T0)) {
            AgentConfig same = new AgentConfig("pi-1", 1, List.of(), new PushSettings(first.address().getPort(), "127.0.0.1",
                    1024, null, 2_000, List.of(new AppBinding("a", "m", "pi-1/tpu0", "edgetpu"))));
            AgentConfigException refused = assertThrows(AgentConfigException.class,
                    () -> Agent.create(same, collecting(new ArrayList<>()), new AgentMetrics(), () -> T0));
            assertTrue(refused.getMessage().startsWith("cannot listen on 127.0.0.1:" + first.address().getPort()
                    + " (push.bindAddress, push.port): "), refused.getMessage());
        }
    }

    static WindowSink collecting(List<TelemetryReport> into) {
        return new WindowSink() {
            @Override
            public void accept(TelemetryReport report) {
                into.add(report);
            }

            @Override
            public void close() {
            }
        };
    }
}
