package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.PredictionRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The working copy an alert's answer reuses: kept only while nothing it was built from changed. */
class ClusterReadingTest {
    private final SimulatedCluster sim = new SimulatedCluster(ScenarioReader.load("default"), 1, 1_764_201_600_000L, 2000);
    private final LiveRates rates = new LiveRates();

    private ClusterReading reading(ClusterView view) {
        SimClock clock = new SimClock(sim::nowEpochMs);
        return new ClusterReading(view, () -> sim.scenario().catalog(), rates, clock, new StartedMoves(),
                new Cooldown(clock, Duration.ofSeconds(30)));
    }

    @Test
    void keptWhileTheClusterAndTheRatesAreUnchangedReadAgainAfterEither() {
        ClusterReading reading = reading(sim);
        ClusterReading.Current first = reading.current();
        assertSame(first, reading.current(), "nothing changed");

        String app = first.snapshot().apps().get(0).app();
        String to = first.snapshot().accelerators().get(0).id();
        sim.apply(new PlanStep.Place(app, to));
        ClusterReading.Current placed = reading.current();
        assertNotSame(first, placed, "an app placed");
        assertEquals(to, placed.placement().deviceOf(app).orElseThrow());

        rates.update(new PredictionRecord(PredictionRecord.SCHEMA, to, "edgetpu", to.substring(0, to.indexOf('/')),
                0, 1000, 0.5, true, null, List.of()));
        assertNotSame(placed, reading.current(), "a rate learned");
    }

    @Test
    void readAfreshFromAViewThatCannotTellItsVersion() {
        ClusterView unversioned = new ClusterView() {
            @Override
            public ClusterSnapshot snapshot() {
                return sim.snapshot();
            }
        };
        ClusterReading reading = reading(unversioned);
        assertNotSame(reading.current(), reading.current());
    }
}
