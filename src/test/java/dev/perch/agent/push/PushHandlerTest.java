package dev.perch.agent.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.perch.agent.AppBinding;
import dev.perch.agent.PushSettings;
import dev.perch.telemetry.ContractTest;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoint over a real JDK {@link HttpServer} on an ephemeral loopback port, as the agent serves it. */
class PushHandlerTest {
    private static final AppBinding CAM_7 = new AppBinding("cam-7", "mobilenet_v2", "pi-1/tpu0", "edgetpu");
    private static final AppBinding CAM_8 = new AppBinding("cam-8", "inception_v4", "pi-1/tpu0", "edgetpu");
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private HttpServer server;
    private PushWindower windower;
    private PushHandler handler;

    private URI start(int maxBodyBytes, String token) throws Exception {
        windower = new PushWindower("pi-1", List.of(CAM_7, CAM_8), 2000, 1000, clock::get);
        handler = new PushHandler(windower, maxBodyBytes, token);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PushHandler.PATH, handler);
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PushHandler.PATH);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static String record(String app, String model, long arrivalMs, long completionMs) {
        return String.format(Locale.ROOT, "{\"app\":\"%s\",\"model\":\"%s\",\"arrivalMs\":%d,\"completionMs\":%d}",
                app, model, arrivalMs, completionMs);
    }

    private HttpResponse<String> post(URI uri, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        assertFalse(response.body().contains("\n"), "one line: " + response.body());
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void aGoodBodyIsKeptAndItsWindowsArePublishedValid() throws Exception {
        URI uri = start(1 << 20, null);
        clock.set(1_000_900);
        HttpResponse<String> response = post(uri, "[" + record("cam-7", "mobilenet_v2", 1_000_100, 1_000_110) + ","
                + record("cam-8", "inception_v4", 1_000_105, 1_000_140) + ","
                + record("cam-7", "mobilenet_v2", 1_000_120, 1_000_150) + "]", "Content-Type", "application/json");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("{\"accepted\":3,\"rejected\":0}", response.body());
        assertEquals(3, handler.acceptedRecords());
        assertEquals(0, handler.rejectedRecords());

        clock.set(1_003_000);
        List<TelemetryReport> reports = windower.due();
        assertEquals(2, reports.size());
        for (TelemetryReport r : reports) {
            ContractTest.assertValid(Topics.TELEMETRY, Json.write(r));
        }
        TelemetryReport cam7 = reports.stream().filter(r -> r.app().equals("cam-7")).findFirst().orElseThrow();
        assertEquals(2, cam7.requests());
        assertEquals(20.0, cam7.latencyMs().mean(), "latencies 10 and 30 ms");
        assertEquals(1, cam7.swaps(), "cam-7, cam-8, cam-7 on one TPU: the second cam-7 request paid a swap");
    }

    @Test
    void aPartlyBadBodyKeepsTheGoodRecordsAndSaysWhichWereDroppedAndWhy() throws Exception {
        URI uri = start(1 << 20, null);
        clock.set(1_000_900);
        String lines = String.join("\n", record("cam-7", "mobilenet_v2", 1_000_100, 1_000_110),
                record("cam-1", "mobilenet_v2", 1_000_100, 1_000_110),
                "{\"app\":\"cam-7\",\"model\":\"mobilenet_v2\",\"arrivalMs\":1000100}",
                record("cam-8", "inception_v4", 1_000_100, 1_000_110),
                "not json at all") + "\n";
        HttpResponse<String> response = post(uri, lines, "Content-Type", "application/x-ndjson");
        assertEquals(400, response.statusCode(), response.body());
        JsonNode answer = json(response);
        assertEquals(2, answer.get("accepted").asLong());
        assertEquals(3, answer.get("rejected").asLong());
        List<Integer> indexes = new ArrayList<>();
        answer.get("errors").forEach(e -> indexes.add(e.get("index").asInt()));
        assertEquals(List.of(1, 2, 4), indexes, "body indexes, in body order, the windower's and the parser's alike");
        assertTrue(answer.get("errors").get(0).get("reason").asText().startsWith("unknown app 'cam-1'"));
        assertEquals("missing required field 'completionMs'", answer.get("errors").get(1).get("reason").asText());
        assertEquals(2, windower.openRequests(), "the good records are kept");
        assertEquals(2, handler.acceptedRecords());
        assertEquals(3, handler.rejectedRecords());
    }

    @Test
    void aThousandBadRecordsListAHundredReasonsAndCountTheRest() throws Exception {
        URI uri = start(1 << 20, null);
        String body = String.join("\n", Collections.nCopies(1000, "{}"));
        JsonNode answer = json(post(uri, body));
        assertEquals(1000, answer.get("rejected").asLong());
        assertEquals(PushHandler.LISTED_ERRORS, answer.get("errors").size());
        assertEquals(1000 - PushHandler.LISTED_ERRORS, answer.get("errorsNotListed").asLong());
    }

    @Test
    void aBodyOverTheLimitIsRefusedWithA413WhetherItDeclaresItsLengthOrNot() throws Exception {
        URI uri = start(200, null);
        clock.set(1_000_900);
        StringBuilder big = new StringBuilder("[");
        for (int i = 0; i < 20; i++) {
            big.append(i == 0 ? "" : ",").append(record("cam-7", "mobilenet_v2", 1_000_100, 1_000_110));
        }
        String body = big.append("]").toString();
        HttpResponse<String> declared = post(uri, body);
        assertEquals(413, declared.statusCode());
        assertEquals("body over the limit of 200 bytes: send smaller batches", json(declared).get("error").asText());

        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), "a chunked body is read one byte past the limit, no further");
        assertEquals(0, windower.openRequests(), "nothing of a refused body is kept");
        assertEquals(2, handler.refusedBodies());

        HttpResponse<String> fits = post(uri, "[" + record("cam-7", "mobilenet_v2", 1_000_100, 1_000_110) + "]");
        assertEquals(200, fits.statusCode(), fits.body());
    }

    @Test
    void withATokenOnlyTheRightBearerIsHeard() throws Exception {
        URI uri = start(1 << 20, "s3cret");
        clock.set(1_000_900);
        String body = "[" + record("cam-7", "mobilenet_v2", 1_000_100, 1_000_110) + "]";
        HttpResponse<String> none = post(uri, body);
        assertEquals(401, none.statusCode());
        assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, post(uri, body, "Authorization", "Bearer s3cre").statusCode());
        assertEquals(401, post(uri, body, "Authorization", "Bearer s3cret2").statusCode());
        assertEquals(401, post(uri, body, "Authorization", "Basic s3cret").statusCode());
        assertEquals(0, windower.openRequests());
        assertEquals(200, post(uri, body, "Authorization", "Bearer s3cret").statusCode());
        assertEquals(1, windower.openRequests());
    }

    @Test
    void anotherMethodOrPathIsRefused() throws Exception {
        URI uri = start(1 << 20, null);
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
        assertTrue(json(get).get("error").asText().contains("use POST"));
        HttpResponse<String> other = post(URI.create(uri + "/more"), "[]");
        assertEquals(404, other.statusCode());
        assertEquals(200, post(uri, "").statusCode(), "an empty batch is no error");
        assertEquals("{\"accepted\":0,\"rejected\":0}", post(uri, "[]").body());
    }

    @Test
    void aFailureInsideTheAgentAnswers500AndTheServerGoesOn() throws Exception {
        URI uri = start(1 << 20, null);
        AtomicLong calls = new AtomicLong();
        windower = new PushWindower("pi-1", List.of(CAM_7), 2000, 1000, () -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("clock broke");
            }
            return 1_000_000;
        });
        server.removeContext(PushHandler.PATH);
        server.createContext(PushHandler.PATH, new PushHandler(windower, 1 << 20, null));
        String body = "[" + record("cam-7", "mobilenet_v2", 1_000_100, 1_000_110) + "]";
        HttpResponse<String> failed = post(uri, body);
        assertEquals(500, failed.statusCode());
        assertEquals("internal error: IllegalStateException", json(failed).get("error").asText());
        assertEquals(500, post(uri, body).statusCode(), "the next exchange is served too");
    }

    @Test
    void aBadLimitIsRefused() {
        windower = new PushWindower("pi-1", List.of(CAM_7), 2000, 10, clock::get);
        for (int limit : new int[]{0, -1, PushSettings.MAX_BODY_BYTES_LIMIT + 1}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> new PushHandler(windower, limit, null));
            assertTrue(refused.getMessage().startsWith("maxBodyBytes"), refused.getMessage());
        }
    }
}
