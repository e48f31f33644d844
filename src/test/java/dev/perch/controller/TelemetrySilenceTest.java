package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.SloStatistic;
import dev.perch.telemetry.PredictionRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** When an owner is told that Perch has, or has had no, telemetry for a placed app — without a cluster. */
class TelemetrySilenceTest {
    private static final long T0 = Instant.parse("2026-12-05T00:00:00Z").toEpochMilli();
    private final TelemetrySilence silence = new TelemetrySilence(Duration.ofSeconds(60));

    private static ClusterSnapshot placed(String... apps) {
        return new ClusterSnapshot(10, List.of(), java.util.Arrays.stream(apps).map(app -> new RunningApp(
                new AppSpec(app, "mobilenet_v2", 5, 200, SloStatistic.MEAN, null), Optional.of("pi-1/tpu0"), Optional.empty(),
                Optional.empty())).toList());
    }

    private static PredictionRecord windowEndingAt(long endMs, String... apps) {
        return new PredictionRecord(PredictionRecord.SCHEMA, "pi-1/tpu0", "edgetpu", "pi-1", endMs - 1000, endMs, 0.1, true,
                null, java.util.Arrays.stream(apps).map(a -> PredictionRecord.AppPrediction.builder().app(a).build()).toList());
    }

    private List<TelemetrySilence.Verdict> at(long sec, ClusterSnapshot snapshot) {
        return silence.pass(snapshot, T0 + sec * 1000);
    }

    @Test
    void aPlacedAppNeverHeardFromIsSilentAfterTheGraceAndReportsOnceListedThenSilentAgain() {
        ClusterSnapshot cluster = placed("cam");
        assertEquals(List.of(), at(0, cluster), "just placed: no verdict yet");
        assertEquals(List.of(), at(59, cluster));
        assertEquals(List.of(new TelemetrySilence.Verdict("cam", false,
                "no telemetry for the app in the 60 s since Perch saw it placed")), at(60, cluster));
        assertEquals(List.of(), at(75, cluster), "told once");

        silence.observe(windowEndingAt(T0 + 80_000, "cam"));
        assertEquals(List.of(new TelemetrySilence.Verdict("cam", true, "Perch has telemetry for the app")), at(81, cluster));
        assertEquals(List.of(), at(139, cluster), "59 s after its last window it still reports");
        assertEquals(List.of(new TelemetrySilence.Verdict("cam", false,
                "no telemetry for the app for 60 s (the last window ended 2026-12-05T00:01:20Z)")), at(140, cluster));
    }

    @Test
    void predictionsReadAgainAtStartUpAreNotNewsAndAReportingAppIsToldAtOnce() {
        silence.observe(windowEndingAt(T0 - 3_600_000, "old"));
        silence.observe(windowEndingAt(T0 - 2_000, "live"));
        ClusterSnapshot cluster = placed("old", "live");
        assertEquals(List.of(new TelemetrySilence.Verdict("live", true, "Perch has telemetry for the app")), at(0, cluster));
        assertEquals(List.of(new TelemetrySilence.Verdict("old", false,
                "no telemetry for the app for 3660 s (the last window ended 2026-12-04T23:00:00Z)")), at(60, cluster).stream()
                .filter(v -> v.app().equals("old")).toList(), "a grace from start-up, then the whole span named");
    }

    @Test
    void anUnplacedAppIsNotJudgedAndItsGraceStartsAgainWhenPlaced() {
        ClusterSnapshot unplaced = new ClusterSnapshot(10, List.of(), List.of(new RunningApp(
                new AppSpec("cam", "mobilenet_v2", 5, 200, SloStatistic.MEAN, null), Optional.empty(), Optional.empty(),
                Optional.empty())));
        assertEquals(List.of(), at(0, placed("cam")));
        assertEquals(List.of(), at(30, unplaced));
        assertEquals(List.of(), at(100, unplaced), "runs nowhere: no telemetry is due");
        assertEquals(List.of(), at(120, placed("cam")));
        assertEquals(1, at(180, placed("cam")).size(), "60 s after it was placed again");
    }

    @Test
    void aNewTermTellsEveryVerdictAgainAndTheSilenceMustBePositive() {
        silence.observe(windowEndingAt(T0, "cam"));
        assertEquals(1, at(1, placed("cam")).size());
        assertEquals(0, at(2, placed("cam")).size());
        silence.forget();
        assertEquals(1, at(3, placed("cam")).size());
        assertThrows(IllegalArgumentException.class, () -> new TelemetrySilence(Duration.ZERO));
    }
}
