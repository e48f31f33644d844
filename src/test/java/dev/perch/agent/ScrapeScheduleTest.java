package dev.perch.agent;

import dev.perch.telemetry.ContractTest;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.TelemetryParser;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scrape path end to end but for the clock: a local endpoint whose counters advance by a
 * schedule of known rates and per-request times, scraped by the agent's loop over HTTP at each
 * second of a test clock (a few ms late, as a real scheduler is). Every window is checked against
 * the schedule's own figures for that second — requests, mean latency, queue and service time within
 * 1 % — and against the telemetry contract; a restart and failed scrapes must leave no wrong window.
 */
class ScrapeScheduleTest {
    private static final long T0 = 1_764_201_600_000L;
    private static final long SECOND = 1_000;
    private static final double WITHIN = 0.01;

    private final AtomicLong clock = new AtomicLong(T0);
    private final List<TelemetryReport> published = Collections.synchronizedList(new ArrayList<>());
    private final AgentMetrics metrics = new AgentMetrics();
    private FakeInferenceServer server;
    private ScrapeLoop loop;

    /** cam-1 changes pace every 4 s; cam-2 runs 200 requests a second throughout. */
    private static ServerSchedule cam1() {
        return new ServerSchedule()
                .phase(T0 - 10 * SECOND, T0 + 4 * SECOND, 50, 2.0, 0.5, 6.0, 0.5, 0.2)
                .phase(T0 + 4 * SECOND, T0 + 8 * SECOND, 120, 9.0, 0.5, 6.5, 0.5, 0.3)
                .phase(T0 + 8 * SECOND, T0 + 20 * SECOND, 20, 0.4, 0.4, 5.8, 0.4, 0.2);
    }

    private static ServerSchedule cam2() {
        return new ServerSchedule().phase(T0 - 10 * SECOND, T0 + 20 * SECOND, 200, 0.8, 0.1, 1.9, 0.1, 0.1);
    }

    private void start(String preset, LongFunction<String> page) throws Exception {
        server = new FakeInferenceServer(clock::get, page, SECOND);
        // The JVM's first HTTP exchange loads the client's classes (seconds on a busy machine): done
        // here, so that no scrape of the schedule times out on it.
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url()).build(), HttpResponse.BodyHandlers.discarding());
        AgentConfig config = AgentConfigReader.parse("""
                node: pi-1
                targets:
                  - url: %s
                    preset: %s
                    timeoutMs: 900
                    apps:
                      - {app: cam-1, serverModel: resnet50_onnx, model: resnet_50, accelerator: pi-1/gpu0, acceleratorType: gpu}
                      - {app: cam-2, serverModel: mobilenet, model: mobilenet_v2, accelerator: pi-1/gpu0, acceleratorType: gpu}
                push: {port: 0}
                """.formatted(server.url(), preset), "test.yaml");
        loop = new ScrapeLoop(config, new WindowSink() {
            @Override
            public void accept(TelemetryReport report) {
                published.add(report);
            }

            @Override
            public void close() {
            }
        }, metrics, clock::get);
    }

    /** A round at each second from {@code from} to {@code to}, each a few ms late (0–3 ms). */
    private void runSeconds(int from, int to) throws Exception {
        for (int s = from; s <= to; s++) {
            clock.set(T0 + s * SECOND + Math.floorMod(s * 7, 4));
            loop.round(clock.get()).get(5, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Map<Long, TelemetryReport> windowsOf(String app) {
        return published.stream().filter(r -> r.app().equals(app))
                .collect(Collectors.toMap(TelemetryReport::windowEndMs, r -> r, (a, b) -> {
                    throw new AssertionError("two windows end at " + a.windowEndMs());
                }, TreeMap::new));
    }

    /** The window against the schedule: its span, and requests and means of the phase it falls in. */
    private static void assertMatches(ServerSchedule schedule, TelemetryReport window, boolean torchserve) throws Exception {
        String at = window.app() + " " + (window.windowStartMs() - T0) + ".." + (window.windowEndMs() - T0) + " ms";
        ServerSchedule.Phase phase = schedule.at(window.windowStartMs());
        assertEquals(phase, schedule.at(window.windowEndMs() - 1), at + " lies in one phase");
        double expectedRequests = phase.ratePerSec() * window.windowMs() / 1000.0;
        assertEquals(expectedRequests, window.requests(), expectedRequests * WITHIN, at + " requests");
        assertEquals(phase.latencyMs(), window.latencyMs().mean(), phase.latencyMs() * WITHIN, at + " latency");
        assertEquals(phase.queueMs(), window.queueMs().mean(), phase.queueMs() * WITHIN, at + " queue");
        // Triton: compute input + infer + output; TorchServe: its latency (from arrival) less its queue
        double service = torchserve ? phase.latencyMs() - phase.queueMs() : phase.serviceMs();
        assertEquals(service, window.serviceMs().mean(), service * WITHIN, at + " service");
        assertNull(window.swaps(), "no server says how many swaps");
        assertNull(window.latencyMs().max(), "no server says the slowest");
        assertEquals(0, window.windowStartMs() % SECOND, at + " starts on a second");
        assertEquals(0, window.windowEndMs() % SECOND, at + " ends on a second");
        String json = Json.write(window);
        ContractTest.assertValid(Topics.TELEMETRY, json);
        assertInstanceOf(TelemetryParser.Result.Valid.class, TelemetryParser.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertEverySecond(Map<Long, TelemetryReport> windows, int from, int to) {
        for (int s = from; s <= to; s++) {
            TelemetryReport w = windows.get(T0 + s * SECOND);
            assertTrue(w != null, "a window ends at second " + s);
            assertEquals(SECOND, w.windowMs(), "second " + s + " is one second long");
        }
    }

    private String tritonAt(long now, ServerSchedule one, ServerSchedule two) {
        return ServerSchedule.tritonPage(List.of("resnet50_onnx", "mobilenet"), List.of(one.counters(now), two.counters(now)));
    }

    @Test
    void tritonCountersGiveEachSecondOfTheSchedule() throws Exception {
        ServerSchedule one = cam1();
        ServerSchedule two = cam2();
        start("triton", now -> tritonAt(now, one, two));
        runSeconds(0, 12);
        for (String app : List.of("cam-1", "cam-2")) {
            Map<Long, TelemetryReport> windows = windowsOf(app);
            assertEquals(12, windows.size(), app + ": the first scrape is the baseline, then a window a second");
            assertEverySecond(windows, 1, 12);
            for (TelemetryReport w : windows.values()) {
                assertMatches(app.equals("cam-1") ? one : two, w, false);
                assertEquals("pi-1", w.node());
                assertEquals("pi-1/gpu0", w.accelerator());
            }
        }
        assertEquals("resnet_50", windowsOf("cam-1").values().iterator().next().model(), "Perch's model name, not the server's");
        assertEquals(0, metrics.scrapeErrors(server.url().toString()));
    }

    @Test
    void torchserveNamesGiveTheSameSeconds() throws Exception {
        ServerSchedule one = cam1();
        ServerSchedule two = cam2();
        start("torchserve", now -> ServerSchedule.torchservePage(List.of("resnet50_onnx", "mobilenet"),
                List.of(one.counters(now), two.counters(now))));
        runSeconds(0, 12);
        for (String app : List.of("cam-1", "cam-2")) {
            Map<Long, TelemetryReport> windows = windowsOf(app);
            assertEverySecond(windows, 1, 12);
            for (TelemetryReport w : windows.values()) {
                assertMatches(app.equals("cam-1") ? one : two, w, true);
            }
        }
    }

    @Test
    void aRestartYieldsNoWindowForItsSecondAndTheNextAreRight() throws Exception {
        ServerSchedule one = cam1().restartAt(T0 + 5 * SECOND + 500);
        ServerSchedule two = cam2().restartAt(T0 + 5 * SECOND + 500);
        start("triton", now -> tritonAt(now, one, two));
        runSeconds(0, 10);
        for (String app : List.of("cam-1", "cam-2")) {
            Map<Long, TelemetryReport> windows = windowsOf(app);
            assertNull(windows.get(T0 + 6 * SECOND), app + ": the second the server restarted in has no window");
            assertEverySecond(windows, 1, 5);
            assertEverySecond(windows, 7, 10);
            for (TelemetryReport w : windows.values()) {
                assertMatches(app.equals("cam-1") ? one : two, w, false);
            }
        }
        assertTrue(metrics.exposition().contains("perch_agent_new_baselines_total{target=\"" + server.url() + "\"} 2"),
                metrics.exposition());
    }

    @Test
    void failedAndTimedOutScrapesYieldNoWindowAndTheNextCoversTheTimeItReallyCovers() throws Exception {
        ServerSchedule one = cam1();
        ServerSchedule two = cam2();
        start("triton", now -> tritonAt(now, one, two));
        server.failAtMs.add(T0 + 3 * SECOND);
        server.stallAtMs.add(T0 + 6 * SECOND);
        runSeconds(0, 9);
        for (String app : List.of("cam-1", "cam-2")) {
            Map<Long, TelemetryReport> windows = windowsOf(app);
            assertNull(windows.get(T0 + 3 * SECOND), app + ": no window from a failed scrape");
            assertNull(windows.get(T0 + 6 * SECOND), app + ": no window from a timed-out scrape");
            TelemetryReport afterFailure = windows.get(T0 + 4 * SECOND);
            assertEquals(T0 + 2 * SECOND, afterFailure.windowStartMs(), "the next answer closes a window over both seconds");
            TelemetryReport afterTimeout = windows.get(T0 + 7 * SECOND);
            assertEquals(T0 + 5 * SECOND, afterTimeout.windowStartMs());
            for (TelemetryReport w : windows.values()) {
                assertMatches(app.equals("cam-1") ? one : two, w, false); // two seconds: twice the requests, same means
            }
        }
        assertEquals(2, metrics.scrapeErrors(server.url().toString()));
        assertEquals(List.of(new ScrapeLoop.TargetState(server.url().toString(), "ok")), loop.states(),
                "answering again after the failures");
    }

    @Test
    void aModelThatLeavesThePageYieldsNothingUntilItIsBackAndThenStartsAfresh() throws Exception {
        ServerSchedule one = cam1();
        ServerSchedule two = cam2();
        start("triton", now -> now >= T0 + 4 * SECOND && now < T0 + 5 * SECOND
                ? ServerSchedule.tritonPage(List.of("mobilenet"), List.of(two.counters(now)))
                : tritonAt(now, one, two));
        runSeconds(0, 7);
        Map<Long, TelemetryReport> windows = windowsOf("cam-1");
        assertEquals(List.of(T0 + SECOND, T0 + 2 * SECOND, T0 + 3 * SECOND, T0 + 6 * SECOND, T0 + 7 * SECOND),
                new ArrayList<>(windows.keySet()), "none for the second it left nor the one it came back in");
        for (TelemetryReport w : windows.values()) {
            assertMatches(one, w, false);
        }
        assertEverySecond(windowsOf("cam-2"), 1, 7);
    }

    @Test
    void retargetingWithoutARestartKeepsTheStayingAppsWindowsAndDropsTheOneThatLeft() throws Exception {
        ServerSchedule one = cam1();
        ServerSchedule two = cam2();
        start("triton", now -> tritonAt(now, one, two));
        ScrapeTarget both = loop.targetsForTest().get(0);
        runSeconds(0, 3);
        loop.retarget(List.of(both)); // the same set again: nothing changes
        runSeconds(4, 5);
        ScrapedApp staying = both.apps().get(1);
        loop.retarget(List.of(new ScrapeTarget(both.url(), both.preset(), both.timeoutMs(), List.of(staying))));
        runSeconds(6, 9);
        assertEquals(List.of(T0 + SECOND, T0 + 2 * SECOND, T0 + 3 * SECOND, T0 + 4 * SECOND, T0 + 5 * SECOND),
                new ArrayList<>(windowsOf("cam-1").keySet()), "cam-1 moved away after second 5: nothing of it after");
        assertEverySecond(windowsOf("cam-2"), 1, 9);
        for (TelemetryReport w : windowsOf("cam-2").values()) {
            assertMatches(two, w, false);
        }
        ScrapedApp back = both.apps().get(0);
        loop.retarget(List.of(new ScrapeTarget(both.url(), both.preset(), both.timeoutMs(), List.of(staying, back))));
        runSeconds(10, 12);
        assertEquals(List.of(T0 + 11 * SECOND, T0 + 12 * SECOND), windowsOf("cam-1").keySet().stream()
                .filter(end -> end > T0 + 5 * SECOND).toList(), "cam-1 back: a baseline at 10, windows from 11");
        assertEverySecond(windowsOf("cam-2"), 1, 12);
    }
}
