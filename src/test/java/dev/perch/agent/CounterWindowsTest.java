package dev.perch.agent;

import dev.perch.agent.scrape.ExpositionParser;
import dev.perch.agent.scrape.Presets;
import dev.perch.telemetry.TelemetryReport;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The grid rules of {@link CounterWindows}, with no network: pages from a schedule of 100 requests a
 * second at 4 ms each, given the moments a scrape was sent and answered.
 */
class CounterWindowsTest {
    private static final long T0 = 1_764_201_600_000L;
    private static final ServerSchedule STEADY = new ServerSchedule()
            .phase(T0 - 100_000, T0 + 100_000, 100, 1.0, 0.0, 3.0, 0.0, 0.0);

    private static CounterWindows windows(long intervalMs) {
        ScrapeTarget target = new ScrapeTarget(URI.create("http://127.0.0.1:8002/metrics"), Presets.TRITON, 500,
                List.of(new ScrapedApp("m", new AppBinding("cam-1", "resnet_50", "pi-1/gpu0", "gpu"))));
        return new CounterWindows("pi-1", target, intervalMs);
    }

    private static CounterWindows.Outcome scrape(CounterWindows windows, long sentMs, long answeredMs, long readMs) {
        String page = ServerSchedule.tritonPage(List.of("m"), List.of(STEADY.counters(readMs)));
        return windows.scraped(sentMs, answeredMs, ExpositionParser.parse(page));
    }

    private static CounterWindows.Outcome scrape(CounterWindows windows, long atMs) {
        return scrape(windows, atMs, atMs, atMs);
    }

    private static void assertWindow(TelemetryReport w, long startMs, long endMs) {
        assertEquals(startMs, w.windowStartMs());
        assertEquals(endMs, w.windowEndMs());
        assertEquals(100 * (endMs - startMs) / 1000, w.requests(), "100 a second over the window");
        assertEquals(4.0, w.latencyMs().mean());
    }

    @Test
    void aScrapeSentOffTheGridIsNoEdgeAndTheNextWindowSpansTheGap() {
        CounterWindows windows = windows(1_000);
        assertTrue(scrape(windows, T0).windows().isEmpty(), "the baseline");
        CounterWindows.Outcome late = scrape(windows, T0 + 1_250);
        assertTrue(late.windows().isEmpty());
        assertEquals(CounterWindows.Note.Kind.OFF_GRID, late.notes().get(0).kind());
        assertWindow(scrape(windows, T0 + 2_000).windows().get(0), T0, T0 + 2_000);
    }

    @Test
    void aScrapeAnsweredLateIsNoEdgeEither() {
        CounterWindows windows = windows(1_000);
        scrape(windows, T0);
        // sent on time, but the page came 300 ms later: the counters may have been read at any moment in between
        CounterWindows.Outcome slow = scrape(windows, T0 + 1_002, T0 + 1_300, T0 + 1_200);
        assertTrue(slow.windows().isEmpty());
        assertWindow(scrape(windows, T0 + 2_000).windows().get(0), T0, T0 + 2_000);
    }

    @Test
    void aScrapeAFewMsOffIsTheNearestGridPoint() {
        CounterWindows windows = windows(1_000);
        scrape(windows, T0 - 4);
        assertWindow(scrape(windows, T0 + 1_003).windows().get(0), T0, T0 + 1_000);
    }

    @Test
    void theSameGridPointTwiceKeepsTheFirstReading() {
        CounterWindows windows = windows(1_000);
        scrape(windows, T0);
        scrape(windows, T0 + 1_000);
        assertTrue(scrape(windows, T0 + 1_040).windows().isEmpty(), "no second window ending at 1 s");
        assertWindow(scrape(windows, T0 + 2_000).windows().get(0), T0 + 1_000, T0 + 2_000);
    }

    @Test
    void aClockThatStepsBackStartsANewBaseline() {
        CounterWindows windows = windows(1_000);
        scrape(windows, T0 + 10_000);
        // the wall clock is set back 5 s: the next readings are 1, 2 … s after the first in truth
        CounterWindows.Outcome back = scrape(windows, T0 + 5_000, T0 + 5_000, T0 + 11_000);
        assertTrue(back.windows().isEmpty());
        assertEquals(CounterWindows.Note.Kind.NEW_BASELINE, back.notes().get(0).kind());
        TelemetryReport next = scrape(windows, T0 + 6_000, T0 + 6_000, T0 + 12_000).windows().get(0);
        assertEquals(T0 + 5_000, next.windowStartMs());
        assertEquals(100, next.requests(), "one second's requests, not seven");
    }

    @Test
    void aGapLongerThanTenIntervalsStartsANewBaseline() {
        CounterWindows windows = windows(1_000);
        scrape(windows, T0);
        assertWindow(scrape(windows, T0 + 10_000).windows().get(0), T0, T0 + 10_000);
        CounterWindows.Outcome gap = scrape(windows, T0 + 21_000);
        assertTrue(gap.windows().isEmpty());
        assertEquals(CounterWindows.Note.Kind.NEW_BASELINE, gap.notes().get(0).kind());
        assertWindow(scrape(windows, T0 + 22_000).windows().get(0), T0 + 21_000, T0 + 22_000);
    }

    @Test
    void longerIntervalsAlignToTheirOwnGrid() {
        CounterWindows windows = windows(5_000);
        scrape(windows, T0 + 5_000 + 30);
        assertTrue(scrape(windows, T0 + 7_000).windows().isEmpty(), "2 s is off a 5 s grid");
        assertWindow(scrape(windows, T0 + 10_000 + 30).windows().get(0), T0 + 5_000, T0 + 10_000);
    }

    @Test
    void anAppWhoseCountersCannotBeReadYieldsNothingAndTheOthersCarryOn() {
        ScrapeTarget target = new ScrapeTarget(URI.create("http://127.0.0.1:8002/metrics"), Presets.TRITON, 500, List.of(
                new ScrapedApp("m", new AppBinding("cam-1", "resnet_50", "pi-1/gpu0", "gpu")),
                new ScrapedApp("absent", new AppBinding("cam-9", "resnet_50", "pi-1/gpu0", "gpu"))));
        CounterWindows windows = new CounterWindows("pi-1", target, 1_000);
        scrape(windows, T0);
        CounterWindows.Outcome outcome = scrape(windows, T0 + 1_000);
        assertEquals(List.of("cam-1"), outcome.windows().stream().map(TelemetryReport::app).toList());
        assertTrue(outcome.notes().isEmpty(), "cam-9's absence was said once, at the first scrape");
    }
}
