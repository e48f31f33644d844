package dev.perch.streams;

import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.TelemetryReport;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.perch.streams.TopologyFixture.T0;
import static dev.perch.streams.TopologyFixture.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which apps an accelerator remembers after a report, and what. */
class AppHistoriesTest {
    private final AppHistories histories = new AppHistories(Learning.DEFAULT, 30_000);
    private final Map<String, AppRecord> specs = new HashMap<>();

    private AcceleratorState fold(AcceleratorState state, TelemetryReport report) {
        return new AcceleratorState(report.accelerator(), report.acceleratorType(), report.node(),
                histories.fold(state, report, specs::get));
    }

    private void spec(String app, String accelerator, Double learnedRatePerSec) {
        specs.put(app, new AppRecord(AppRecord.SCHEMA, app, "mobilenet_v2", 5, 100, "mean", 60, "pi-1", accelerator,
                learnedRatePerSec, T0));
    }

    @Test
    void aReportBecomesAWindowWithItsFigures() {
        TelemetryReport r = report("a", "mobilenet_v2", "pi-1/tpu0", 3, 10, 20);
        AcceleratorState.Window w = AppHistories.window(r);
        assertEquals(new AcceleratorState.Window(T0 + 3000, T0 + 4000, 10, 20.0, 18.0, 36.0, 50.0, 4.91, 0L), w);
        assertNull(AppHistories.window(report("a", "mobilenet_v2", "pi-1/tpu0", 3, 0, 20)).meanMs(), "an idle window");
    }

    @Test
    void windowsAreKeptInTimeOrderForTheTrendSpan() {
        AcceleratorState state = null;
        for (int s = 40; s >= 0; s--) { // newest first: the worst order a catching-up node could send
            state = fold(state, report("a", "mobilenet_v2", "pi-1/tpu0", s, 10, 20));
        }
        var windows = state.apps().get("a").windows();
        // The first report (40) set the span: windows ending after 41 s − 30 s are kept, 11 s … 40 s.
        assertEquals(30, windows.size());
        assertEquals(T0 + 11_000, windows.get(0).windowStartMs());
        assertEquals(T0 + 40_000, windows.get(29).windowStartMs());
    }

    @Test
    void windowsInAnyOrderAndOfAnyLengthAreKeptAsInsertingAndTrimmingACopyWould() {
        // The reference: every report's window inserted in time order (after those of its start) into
        // a plain list, then every window that ended 30 s or more before the end of the latest-starting
        // one removed — the rule, done the slow way, on reports mostly in order, some late, some long.
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        List<AcceleratorState.Window> reference = new java.util.ArrayList<>();
        AcceleratorState state = null;
        long nextStartMs = T0;
        for (int i = 0; i < 2_000; i++) {
            int kind = random.nextInt(20);
            long startMs = kind == 0 ? nextStartMs - 1_000L * random.nextInt(1, 40) : nextStartMs;
            long lengthMs = kind == 1 ? 1_000L * random.nextInt(2, 6) : 1_000;
            TelemetryReport one = report("a", "mobilenet_v2", "pi-1/tpu0", 0, 1 + random.nextInt(20), 20);
            TelemetryReport r = new TelemetryReport(one.schema(), one.node(), one.accelerator(), one.acceleratorType(),
                    one.app(), one.model(), startMs, startMs + lengthMs, one.requests(), one.latencyMs(),
                    one.serviceMs(), one.queueMs(), one.swaps());
            if (kind != 0) {
                nextStartMs += 1_000;
            }
            AcceleratorState.Window w = AppHistories.window(r);
            boolean inOrder = reference.isEmpty() || reference.get(reference.size() - 1).windowStartMs() <= startMs;
            long horizonMs = (inOrder ? w.windowEndMs() : reference.get(reference.size() - 1).windowEndMs()) - 30_000;
            int at = reference.size();
            while (at > 0 && reference.get(at - 1).windowStartMs() > startMs) {
                at--;
            }
            reference.add(at, w);
            reference.removeIf(x -> x.windowEndMs() <= horizonMs);

            state = fold(state, r);
            assertEquals(reference, state.apps().get("a").windows(), "after report " + i);
        }
    }

    @Test
    void anAppNewHereStartsFromTheRateItLearnedBeforeItsMove() {
        spec("a", "pi-1/tpu0", 12.0);
        AcceleratorState state = fold(null, report("a", "mobilenet_v2", "pi-1/tpu0", 0, 8, 20));
        var a = state.apps().get("a");
        // 30 s at 12 req/s carried, then 8 requests in 1 s (forgetting over 2 minutes changes this by < 0.01).
        assertEquals((12.0 * 30 + 8) / 31, Learning.DEFAULT.rate(a.learned(), a.windows()).ratePerSec(), 0.01);
        spec("b", "pi-1/tpu0", null);
        var b = fold(state, report("b", "mobilenet_v2", "pi-1/tpu0", 0, 8, 20)).apps().get("b");
        assertEquals(8.0, Learning.DEFAULT.rate(b.learned(), b.windows()).ratePerSec(), 1e-9, "no carried rate");
    }

    @Test
    void appsThatLeftAreForgottenAndTheRestKeepTheirOrder() {
        spec("a", "pi-1/tpu0", null);
        spec("b", "pi-1/tpu0", null);
        AcceleratorState state = null;
        for (String app : List.of("a", "b", "c", "d")) { // c has no entry in the apps table
            state = fold(state, report(app, "mobilenet_v2", "pi-1/tpu0", 0, 10, 20));
        }
        spec("b", "pi-2/tpu0", null); // placed elsewhere: a report keeps it (the window's close drops it)
        state = fold(state, report("c", "mobilenet_v2", "pi-1/tpu0", 1, 10, 20));
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(state.apps().keySet()));
        OrderedApps closing = AppHistories.withoutMovedAway(OrderedApps.copyOf(state.apps()), "pi-1/tpu0", specs::get);
        assertEquals(List.of("a", "c", "d"), List.copyOf(closing.keySet()),
                "b dropped when the window is predicted; d, without an entry, kept");
        // d and b fall silent; 30 s later only a and c are left, then only c.
        state = fold(state, report("a", "mobilenet_v2", "pi-1/tpu0", 2, 10, 20));
        state = fold(state, report("c", "mobilenet_v2", "pi-1/tpu0", 31, 10, 20));
        assertEquals(List.of("a", "c"), List.copyOf(state.apps().keySet()));
        state = fold(state, report("c", "mobilenet_v2", "pi-1/tpu0", 32, 10, 20));
        assertEquals(List.of("c"), List.copyOf(state.apps().keySet()));
        // The reporting app itself stays through its report, whatever the apps table says.
        spec("c", "pi-2/tpu0", null);
        state = fold(state, report("c", "mobilenet_v2", "pi-1/tpu0", 33, 10, 20));
        assertEquals(List.of("c"), List.copyOf(state.apps().keySet()));
        assertTrue(AppHistories.withoutMovedAway(OrderedApps.copyOf(state.apps()), "pi-1/tpu0", specs::get).isEmpty());
    }
}
