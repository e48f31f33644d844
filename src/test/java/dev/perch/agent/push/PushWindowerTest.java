package dev.perch.agent.push;

import dev.perch.agent.AppBinding;
import dev.perch.telemetry.ContractTest;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.TelemetryParser;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The windows against requests whose truth the test knows: hand-made cases, and seeded random ones
 * whose percentiles, means and swaps the test works out itself (sort, nearest rank by hand; swaps by
 * walking the accelerator's requests in completion order).
 */
class PushWindowerTest {
    static final AppBinding CAM_7 = new AppBinding("cam-7", "mobilenet_v2", "pi-1/tpu0", "edgetpu");
    static final AppBinding CAM_8 = new AppBinding("cam-8", "inception_v4", "pi-1/tpu0", "edgetpu");
    static final AppBinding CAM_9 = new AppBinding("cam-9", "mobilenet_v2", "pi-1/tpu0", "edgetpu");
    static final AppBinding GATE = new AppBinding("gate", "efficientnet-L", "pi-1/tpu1", "edgetpu");
    /** The windower starts at 1 000 000 ms: its first window is second 1000. */
    static final long START_MS = 1_000_000;

    private final AtomicLong clock = new AtomicLong(START_MS);

    private PushWindower windower(List<AppBinding> apps, long graceMs, int cap) {
        return new PushWindower("pi-1", apps, graceMs, cap, clock::get);
    }

    private static PushedRequest request(AppBinding app, double arrivalMs, double serviceStartMs, double completionMs) {
        return new PushedRequest(app.app(), app.model(), arrivalMs, serviceStartMs, completionMs);
    }

    private static TelemetryReport report(List<TelemetryReport> reports, String app, long windowStartMs) {
        return reports.stream().filter(r -> r.app().equals(app) && r.windowStartMs() == windowStartMs).findFirst()
                .orElseThrow(() -> new AssertionError("no report of " + app + " at " + windowStartMs + " in " + reports));
    }

    private static void assertPublishable(TelemetryReport report) throws Exception {
        String json = Json.write(report);
        ContractTest.assertValid(Topics.TELEMETRY, json);
        assertInstanceOf(TelemetryParser.Result.Valid.class, TelemetryParser.parse(json.getBytes(StandardCharsets.UTF_8)),
                "and the topology admits it: " + json);
    }

    @Test
    void aHundredLatenciesOfOneToAHundredMsGiveTheirKnownFigures() throws Exception {
        PushWindower w = windower(List.of(CAM_7), 2000, 1000);
        List<PushedRequest> requests = new ArrayList<>();
        for (int latency = 1; latency <= 100; latency++) {
            // Completions spread over second 1000, arrivals `latency` ms before; service the last 2 ms.
            double completion = 1_000_000 + latency * 9;
            requests.add(request(CAM_7, completion - latency, completion - Math.min(2, latency), completion));
        }
        Collections.shuffle(requests, new Random(7));
        assertEquals(List.of(), w.offer(requests, 1_001_500));
        List<TelemetryReport> reports = w.due(1_003_000);
        assertEquals(1, reports.size());
        TelemetryReport r = reports.get(0);
        assertEquals(100, r.requests());
        assertEquals(50.5, r.latencyMs().mean());
        assertEquals(50.0, r.latencyMs().p50(), "nearest rank: the 50th of 100");
        assertEquals(95.0, r.latencyMs().p95());
        assertEquals(99.0, r.latencyMs().p99());
        assertEquals(100.0, r.latencyMs().max());
        assertEquals((1 + 2 * 99) / 100.0, r.serviceMs().mean(), "1 ms for the 1 ms request, 2 ms for the others");
        assertEquals(50.5 - 1.99, r.queueMs().mean(), 1e-9);
        assertEquals(0, r.swaps());
        assertEquals(1_000_000, r.windowStartMs());
        assertEquals(1_001_000, r.windowEndMs());
        assertEquals("pi-1", r.node());
        assertEquals("pi-1/tpu0", r.accelerator());
        assertEquals(100, r.latencyHistogram().counts().stream().mapToLong(Long::longValue).sum());
        assertPublishable(r);
    }

    @Test
    void swapsCountTheModelChangesOnOneAcceleratorAcrossAppsAndWindows() throws Exception {
        PushWindower w = windower(List.of(CAM_7, CAM_8, CAM_9, GATE), 2000, 1000);
        // tpu0 in completion order: 7 (first: nothing loaded), 8 swap, 8, 9 swap, 7 (9's model: none), 8 swap;
        // second 1001: 8 (inception still loaded), 7 swap. tpu1 is another device: gate never swaps.
        List<PushedRequest> cam8 = List.of(request(CAM_8, 1_000_150, Double.NaN, 1_000_200),
                request(CAM_8, 1_000_250, Double.NaN, 1_000_300), request(CAM_8, 1_000_500, Double.NaN, 1_000_700),
                request(CAM_8, 1_001_000, Double.NaN, 1_001_100));
        List<PushedRequest> cam7 = List.of(request(CAM_7, 1_000_050, Double.NaN, 1_000_100),
                request(CAM_7, 1_000_450, Double.NaN, 1_000_500), request(CAM_7, 1_001_100, Double.NaN, 1_001_200));
        List<PushedRequest> cam9 = List.of(request(CAM_9, 1_000_350, Double.NaN, 1_000_400));
        List<PushedRequest> gate = List.of(request(GATE, 1_000_150, Double.NaN, 1_000_160),
                request(GATE, 1_000_600, Double.NaN, 1_000_610));
        // Pushed out of order and by app, as separate processes do.
        assertEquals(List.of(), w.offer(cam8, 1_001_300));
        assertEquals(List.of(), w.offer(gate, 1_001_400));
        assertEquals(List.of(), w.offer(cam9, 1_001_500));
        assertEquals(List.of(), w.offer(cam7, 1_001_900));
        List<TelemetryReport> first = w.due(1_003_000);
        assertEquals(4, first.size(), "one report per push app");
        assertEquals(0, report(first, "cam-7", 1_000_000).swaps());
        assertEquals(2, report(first, "cam-8", 1_000_000).swaps());
        assertEquals(1, report(first, "cam-9", 1_000_000).swaps());
        assertEquals(0, report(first, "gate", 1_000_000).swaps());
        List<TelemetryReport> second = w.due(1_004_000);
        assertEquals(0, report(second, "cam-8", 1_001_000).swaps(), "the model loaded at the end of the last window carries over");
        assertEquals(1, report(second, "cam-7", 1_001_000).swaps());
        assertEquals(0, report(second, "cam-9", 1_001_000).requests());
        for (TelemetryReport r : first) {
            assertNull(r.serviceMs(), "no service start sent: no service or queue time");
            assertNull(r.queueMs());
            assertPublishable(r);
        }
    }

    @Test
    void randomRequestsGiveTheFiguresTheTestWorksOutItself() throws Exception {
        Random random = new Random(20);
        List<AppBinding> apps = List.of(CAM_7, CAM_8, CAM_9, GATE);
        // A grace long enough that all five seconds are open at once.
        PushWindower w = windower(apps, 5000, 100_000);
        List<PushedRequest> all = new ArrayList<>();
        // No two requests of one accelerator complete in the same ms, so that the service order is the truth, not a tie-break.
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
            AppBinding app = apps.get(random.nextInt(apps.size()));
            long completion = 1_000_000 + random.nextInt(5000);
            if (!taken.add(app.accelerator() + "@" + completion)) {
                i--;
                continue;
            }
            long latency = 1 + random.nextInt(random.nextBoolean() ? 20 : 400);
            long queue = random.nextInt((int) latency);
            all.add(request(app, completion - latency, completion - latency + queue, completion));
        }
        Collections.shuffle(all, random);
        for (int from = 0; from < all.size(); from += 250) {
            assertEquals(List.of(), w.offer(all.subList(from, Math.min(all.size(), from + 250)), 1_005_000));
        }
        List<TelemetryReport> reports = w.due(1_010_000);
        assertEquals(5 * apps.size(), reports.size());

        Map<String, Long> swapsTruth = new HashMap<>();
        Map<String, String> loaded = new HashMap<>();
        List<PushedRequest> byCompletion = new ArrayList<>(all);
        byCompletion.sort(Comparator.comparingDouble(PushedRequest::completionMs));
        Map<String, AppBinding> bindings = new HashMap<>();
        apps.forEach(a -> bindings.put(a.app(), a));
        for (PushedRequest r : byCompletion) {
            String accelerator = bindings.get(r.app()).accelerator();
            String before = loaded.put(accelerator, r.model());
            if (before != null && !before.equals(r.model())) {
                swapsTruth.merge(r.app() + "@" + (long) r.completionMs() / 1000, 1L, Long::sum);
            }
        }
        Map<String, List<PushedRequest>> windows = new TreeMap<>();
        for (PushedRequest r : all) {
            windows.computeIfAbsent(r.app() + "@" + (long) r.completionMs() / 1000, k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<PushedRequest>> window : windows.entrySet()) {
            String[] key = window.getKey().split("@");
            TelemetryReport r = report(reports, key[0], Long.parseLong(key[1]) * 1000);
            List<PushedRequest> in = window.getValue();
            long[] sorted = in.stream().mapToLong(q -> (long) (q.completionMs() - q.arrivalMs())).sorted().toArray();
            int n = sorted.length;
            assertEquals(n, r.requests(), window.getKey());
            // Nearest rank in whole numbers: the q-th percentile is the ⌈q·n/100⌉-th smallest.
            assertEquals(sorted[(50 * n + 99) / 100 - 1], r.latencyMs().p50(), window.getKey() + " p50");
            assertEquals(sorted[(95 * n + 99) / 100 - 1], r.latencyMs().p95(), window.getKey() + " p95");
            assertEquals(sorted[(99 * n + 99) / 100 - 1], r.latencyMs().p99(), window.getKey() + " p99");
            assertEquals(sorted[n - 1], r.latencyMs().max(), window.getKey() + " max");
            double sum = 0;
            double service = 0;
            for (PushedRequest q : in) {
                sum += q.completionMs() - q.arrivalMs();
                service += q.completionMs() - q.serviceStartMs();
            }
            assertEquals(sum / n, r.latencyMs().mean(), 0.0005, window.getKey() + " mean");
            assertEquals(service / n, r.serviceMs().mean(), 0.0005, window.getKey() + " service");
            assertEquals((sum - service) / n, r.queueMs().mean(), 0.0005, window.getKey() + " queue");
            assertEquals(swapsTruth.getOrDefault(window.getKey(), 0L), r.swaps(), window.getKey() + " swaps");
        }
        assertTrue(swapsTruth.values().stream().mapToLong(Long::longValue).sum() > 100, "the case has swaps to count");
        for (TelemetryReport r : reports) {
            assertPublishable(r);
        }
    }

    @Test
    void aWindowIsPublishedOnceItsGraceHasPassedAndThenTakesNoMoreRecords() {
        clock.set(999_500);
        PushWindower w = windower(List.of(CAM_7, GATE), 2000, 1000);
        clock.set(1_000_800);
        assertEquals(List.of(), w.offer(List.of(request(CAM_7, 1_000_100, Double.NaN, 1_000_700))));
        clock.set(1_002_999);
        assertEquals(List.of(), w.due(), "second 1000 ends at 1 001 000; with 2 s of grace it is due at 1 003 000");
        assertEquals(List.of(), w.offer(List.of(request(CAM_7, 1_000_100, Double.NaN, 1_000_900))), "still within the grace");
        clock.set(1_003_000);
        List<TelemetryReport> due = w.due();
        assertEquals(2, due.size());
        assertEquals(2, report(due, "cam-7", 1_000_000).requests());
        TelemetryReport idle = report(due, "gate", 1_000_000);
        assertEquals(0, idle.requests(), "an app with no requests in a second reports an idle window");
        assertEquals(0, idle.swaps());
        assertNull(idle.latencyMs());
        assertNull(idle.latencyHistogram());
        assertEquals(List.of(), w.due(), "each window once");

        List<PushRejection> late = w.offer(List.of(request(CAM_7, 1_000_100, Double.NaN, 1_000_950)));
        assertEquals(List.of(0), late.stream().map(PushRejection::index).toList());
        assertTrue(late.get(0).reason().startsWith("window [1000000, 1001000) is closed"), late.get(0).reason());

        clock.set(1_010_000);
        List<TelemetryReport> gap = w.due();
        assertEquals(2 * 7, gap.size(), "seconds 1001 to 1007 (due at 1 010 000 with 2 s of grace), idle, for both apps");
        assertTrue(gap.stream().allMatch(r -> r.requests() == 0 && r.windowMs() == 1000));
    }

    @Test
    void aRecordPastItsGraceIsRefusedEvenBeforeDueIsCalled() {
        PushWindower w = windower(List.of(CAM_7), 500, 1000);
        List<PushRejection> late = w.offer(List.of(request(CAM_7, 1_000_100, Double.NaN, 1_000_200)), 1_001_500);
        assertEquals(1, late.size(), "the window ended at 1 001 000 and the grace is 500 ms");
    }

    @Test
    void theConfigDecidesWhichAppsAndModelsAreTakenAndTheClockWhichTimes() {
        PushWindower w = windower(List.of(CAM_7), 2000, 1000);
        List<PushRejection> rejections = w.offer(List.of(
                new PushedRequest("cam-1", "mobilenet_v2", 1_000_100, Double.NaN, 1_000_200),
                new PushedRequest("cam-7", "inception_v4", 1_000_100, Double.NaN, 1_000_200),
                request(CAM_7, 1_000_100, Double.NaN, 1_002_001),
                request(CAM_7, 999_000, Double.NaN, 999_999),
                request(CAM_7, 1_000_100, Double.NaN, 1_002_000)), 1_001_000);
        assertEquals(List.of(0, 1, 2, 3), rejections.stream().map(PushRejection::index).toList());
        assertEquals("unknown app 'cam-1' (this agent takes pushes for 'cam-7')", rejections.get(0).reason());
        assertEquals("model 'inception_v4' is not app 'cam-7''s model 'mobilenet_v2' (as the agent's config binds it)",
                rejections.get(1).reason());
        assertTrue(rejections.get(2).reason().contains("after the agent's clock"), rejections.get(2).reason());
        assertTrue(rejections.get(3).reason().contains("before the agent's first window"), rejections.get(3).reason());
        assertEquals(1, w.openRequests(), "a completion up to 1 s ahead of the clock is taken");
    }

    @Test
    void anAppHoldsAtMostItsCapOfUnpublishedRequestsAndTheExcessIsCounted() {
        PushWindower w = windower(List.of(CAM_7, GATE), 2000, 3);
        List<PushedRequest> five = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            five.add(request(CAM_7, 1_000_100 + i, Double.NaN, 1_000_200 + i));
        }
        List<PushRejection> rejections = w.offer(five, 1_000_500);
        assertEquals(List.of(3, 4), rejections.stream().map(PushRejection::index).toList());
        assertTrue(rejections.get(0).reason().contains("already holds 3 requests"), rejections.get(0).reason());
        assertEquals(2, w.droppedOverCapacity());
        assertEquals(List.of(), w.offer(List.of(request(GATE, 1_000_100, Double.NaN, 1_000_200)), 1_000_500),
                "the cap is per app");
        w.due(1_003_000);
        assertEquals(0, w.openRequests());
        assertEquals(List.of(), w.offer(five.subList(0, 3).stream()
                .map(r -> new PushedRequest(r.app(), r.model(), r.arrivalMs() + 2000, Double.NaN, r.completionMs() + 2000))
                .toList(), 1_003_000), "published windows free their room");
    }

    @Test
    void afterALongStallIdleSecondsAreCaughtUpForTenMinutesOnly() {
        PushWindower w = windower(List.of(CAM_7), 2000, 1000);
        assertEquals(List.of(), w.offer(List.of(request(CAM_7, 1_000_100, Double.NaN, 1_000_200)), 1_000_500));
        List<TelemetryReport> caughtUp = w.due(1_000_000 + 3_600_000);
        long lastDue = (1_000_000 + 3_600_000 - 2000) / 1000 - 1;
        assertEquals(1 + PushWindower.MAX_IDLE_CATCH_UP_SECONDS, caughtUp.size());
        assertEquals(1, caughtUp.get(0).requests(), "a second holding requests is never skipped");
        assertEquals((lastDue - PushWindower.MAX_IDLE_CATCH_UP_SECONDS + 1) * 1000, caughtUp.get(1).windowStartMs());
        assertEquals(lastDue * 1000, caughtUp.get(caughtUp.size() - 1).windowStartMs());
        assertEquals(lastDue - 1000 + 1 - 1 - PushWindower.MAX_IDLE_CATCH_UP_SECONDS, w.skippedIdleSeconds());
    }

    @Test
    void concurrentClientsAndPublishingLoseNothingAndCountNothingTwice() throws Exception {
        PushWindower w = windower(List.of(CAM_7, CAM_8, CAM_9, GATE), 2000, 100_000);
        AtomicLong accepted = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (AppBinding app : List.of(CAM_7, CAM_8, CAM_9, GATE)) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 4000; i++) {
                    // Requests of seconds 1000 to 1003, offered while due() publishes them: some too late.
                    List<PushedRequest> one = List.of(request(app, 1_000_000 + i, Double.NaN, 1_000_000 + i + 1));
                    accepted.addAndGet(1 - w.offer(one, 1_000_000 + i + 1).size());
                }
            }));
        }
        threads.forEach(Thread::start);
        List<TelemetryReport> published = new ArrayList<>();
        for (long now = 1_001_000; now <= 1_006_000; now += 10) {
            published.addAll(w.due(now));
        }
        for (Thread t : threads) {
            t.join();
        }
        published.addAll(w.due(1_010_000));
        assertEquals(accepted.get(), published.stream().mapToLong(TelemetryReport::requests).sum());
        assertTrue(accepted.get() > 0);
    }

    @Test
    void aBadConfigIsRefusedWithItsReason() {
        assertThrows(IllegalArgumentException.class, () -> windower(List.of(CAM_7, CAM_7), 2000, 10));
        assertThrows(IllegalArgumentException.class, () -> windower(List.of(CAM_7), -1, 10));
        assertThrows(IllegalArgumentException.class, () -> windower(List.of(CAM_7), 2000, 0));
        assertThrows(IllegalArgumentException.class, () -> new PushWindower(" ", List.of(CAM_7), 2000));
    }
}
