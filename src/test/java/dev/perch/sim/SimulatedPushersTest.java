package dev.perch.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.perch.agent.push.PushBody;
import dev.perch.agent.push.PushedRequest;
import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Edge TPU apps' pushes against the completions the cluster reported, received by a stand-in
 * agent that records each body and answers as the real one does.
 */
class SimulatedPushersTest {
    private static final long EPOCH = 1_764_201_600_000L;
    private static final Scenario SCENARIO = ScenarioReader.parse("""
            name: pushers
            networkMs: 3
            nodes:
              - {node: n1, memoryMb: 8192, acceleratorTypes: [edgetpu, gpu], frontendServiceMs: 1}
              - {node: n2, memoryMb: 8192, acceleratorTypes: [edgetpu], frontendServiceMs: 1}
            models:
              small: {edgetpu: {serviceMs: 5, swapMs: 12, memoryMb: 100}, gpu: {serviceMs: 20, memoryMb: 500}}
              large: {edgetpu: {serviceMs: 60, swapMs: 20, memoryMb: 100}, gpu: {serviceMs: 40, memoryMb: 500}}
            apps:
              - {app: a, model: small, ratePerSec: 20, sloMs: 1000}
              - {app: b, model: large, ratePerSec: 5, sloMs: 1000}
              - {app: g, model: small, ratePerSec: 10, sloMs: 1000}
            """, "test scenario");

    private HttpServer agent;
    private final List<byte[]> bodies = Collections.synchronizedList(new ArrayList<>());
    /** Which records the stand-in agent refuses. */
    private volatile Predicate<PushedRequest> refuses = r -> false;

    @BeforeEach
    void startAgent() throws IOException {
        agent = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        agent.createContext("/v1/requests", this::answer);
        agent.start();
    }

    @AfterEach
    void stopAgent() {
        agent.stop(0);
    }

    /** As the agent's PushHandler answers: 200 when every record is kept, else 400 with the reasons. */
    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            bodies.add(body);
            PushBody.Parsed parsed = PushBody.parse(body);
            List<String> errors = new ArrayList<>();
            for (PushBody.Entry entry : parsed.entries()) {
                if (refuses.test(entry.request())) {
                    errors.add("{\"index\":" + entry.index() + ",\"reason\":\"app " + entry.request().app()
                            + " is not bound to this node\"}");
                }
            }
            long kept = parsed.entries().size() - errors.size();
            String json = errors.isEmpty() ? "{\"accepted\":" + kept + ",\"rejected\":0}"
                    : "{\"accepted\":" + kept + ",\"rejected\":" + errors.size() + ",\"errors\":[" + String.join(",", errors) + "]}";
            byte[] answer = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(errors.isEmpty() ? 200 : 400, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    private Optional<URI> agentOf(String node) {
        return node.equals("n1") ? Optional.of(URI.create("http://127.0.0.1:" + agent.getAddress().getPort() + "/v1/requests"))
                : Optional.empty();
    }

    private static SimulatedCluster placed() {
        SimulatedCluster cluster = new SimulatedCluster(SCENARIO, 23, EPOCH, 0);
        cluster.apply(new PlanStep.Place("a", "n1/tpu0"));
        cluster.apply(new PlanStep.Place("b", "n1/tpu0"));
        cluster.apply(new PlanStep.Place("g", "n1/gpu0"));
        return cluster;
    }

    private List<PushedRequest> received() {
        List<PushedRequest> all = new ArrayList<>();
        synchronized (bodies) {
            for (byte[] body : bodies) {
                PushBody.Parsed parsed = PushBody.parse(body);
                assertEquals(List.of(), parsed.rejections(), "every record the pushers write is well formed");
                all.addAll(parsed.requests());
            }
        }
        return all;
    }

    private static void assertSame(Completion expected, PushedRequest actual) {
        assertEquals(expected.app(), actual.app());
        assertEquals(expected.model(), actual.model());
        assertEquals(expected.arrivalEpochMs(), actual.arrivalMs(), 0.001);
        assertEquals(expected.serviceStartEpochMs(), actual.serviceStartMs(), 0.001);
        assertEquals(expected.completionEpochMs(), actual.completionMs(), 0.001);
    }

    @Test
    void eachFlushPostsTheEdgeTpuRequestsCompletedSinceTheLastOnce() {
        SimulatedCluster cluster = placed();
        List<Completion> seen = new ArrayList<>();
        cluster.addCompletionListener(seen::add);
        try (SimulatedPushers pushers = new SimulatedPushers(cluster, this::agentOf, () -> EPOCH)) {
            for (int s = 0; s < 6; s++) {
                cluster.advanceWindow();
            }
            long first = EPOCH + 3_500;
            pushers.flush(first);
            List<Completion> tpu = seen.stream().filter(c -> c.acceleratorType() == AcceleratorType.EDGETPU).toList();
            List<Completion> due = tpu.stream().filter(c -> c.completionEpochMs() <= first).toList();
            List<PushedRequest> got = received();
            assertEquals(due.size(), got.size());
            assertTrue(due.stream().anyMatch(c -> c.app().equals("a")) && due.stream().anyMatch(c -> c.app().equals("b")));
            assertTrue(seen.stream().anyMatch(c -> c.app().equals("g")), "g completes requests, on the GPU");
            assertTrue(got.stream().noneMatch(r -> r.app().equals("g")), "a GPU app is scraped, never pushed");
            for (int i = 0; i < due.size(); i += 17) {
                assertSame(due.get(i), got.get(i));
            }
            assertSame(due.get(due.size() - 1), got.get(got.size() - 1));
            assertEquals(due.size(), pushers.postedRecords());

            pushers.flush(first);
            assertEquals(due.size(), received().size(), "nothing twice");

            long second = EPOCH + 6_000;
            pushers.flush(second);
            List<Completion> all = tpu.stream().filter(c -> c.completionEpochMs() <= second).toList();
            got = received();
            assertEquals(all.size(), got.size());
            assertTrue(all.size() > due.size());
            for (int i = 0; i < all.size(); i++) {
                assertSame(all.get(i), got.get(i));
            }
            assertEquals(all.size(), pushers.postedRecords());
            assertEquals(0, pushers.refusedRecords());
            assertEquals(0, pushers.droppedRecords());
        }
    }

    @Test
    void recordsTheAgentRefusesAreCountedAndNotSentAgain() {
        SimulatedCluster cluster = placed();
        List<Completion> seen = new ArrayList<>();
        cluster.addCompletionListener(seen::add);
        refuses = r -> r.app().equals("b");
        try (SimulatedPushers pushers = new SimulatedPushers(cluster, this::agentOf, () -> EPOCH)) {
            for (int s = 0; s < 4; s++) {
                cluster.advanceWindow();
            }
            long at = EPOCH + 4_000;
            pushers.flush(at);
            long bs = seen.stream().filter(c -> c.app().equals("b") && c.completionEpochMs() <= at).count();
            long tpu = seen.stream().filter(c -> c.acceleratorType() == AcceleratorType.EDGETPU && c.completionEpochMs() <= at)
                    .count();
            assertTrue(bs > 0);
            assertEquals(bs, pushers.refusedRecords());
            assertEquals(tpu, pushers.postedRecords());
            int bodiesBefore = bodies.size();
            pushers.flush(at);
            assertEquals(bodiesBefore, bodies.size(), "a refused record is lost, never resent");
        }
    }

    @Test
    void aNodeWithoutAnAgentLosesItsRecordsAndTheOthersStillGo() {
        SimulatedCluster cluster = new SimulatedCluster(SCENARIO, 29, EPOCH, 0);
        cluster.apply(new PlanStep.Place("a", "n1/tpu0"));
        cluster.apply(new PlanStep.Place("b", "n2/tpu0"));
        List<Completion> seen = new ArrayList<>();
        cluster.addCompletionListener(seen::add);
        try (SimulatedPushers pushers = new SimulatedPushers(cluster, this::agentOf, () -> EPOCH)) {
            for (int s = 0; s < 3; s++) {
                cluster.advanceWindow();
            }
            long at = EPOCH + 3_000;
            pushers.flush(at);
            long onN1 = seen.stream().filter(c -> c.node().equals("n1") && c.completionEpochMs() <= at).count();
            long onN2 = seen.stream().filter(c -> c.node().equals("n2") && c.completionEpochMs() <= at).count();
            assertTrue(onN2 > 0);
            assertEquals(onN1, received().size());
            assertTrue(received().stream().allMatch(r -> r.app().equals("a")));
            assertEquals(onN2, pushers.droppedRecords());
        }
    }
}
