package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.placement.Placement;
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
        return new ClusterReading(view, new Probations(() -> sim.scenario().catalog(), ProbationSettings.DEFAULT), rates,
                clock, new StartedMoves(),
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

    /**
     * When only where apps run changed, the copy follows them in place, and is then the copy made
     * afresh from the cluster: every device with the same apps in the same order, the same loads;
     * a rate learned still has it made afresh, with the rate.
     */
    @Test
    void aCopyFollowsAppsPlacedAndMovedAsAFreshCopyWouldShowThem() {
        ClusterReading reading = reading(sim);
        ClusterReading.Current first = reading.current();
        List<String> apps = first.snapshot().apps().stream().map(a -> a.app()).toList();
        List<String> accelerators = first.snapshot().accelerators().stream().map(a -> a.id()).toList();
        sim.apply(new PlanStep.Place(apps.get(0), accelerators.get(0)));
        sim.apply(new PlanStep.Place(apps.get(1), accelerators.get(0)));
        reading.current();
        sim.apply(new PlanStep.Move(apps.get(0), accelerators.get(0), accelerators.get(1)));
        ClusterReading.Current moved = reading.current();
        assertSame(first.placement(), moved.placement(), "followed in place");

        Placement fresh = Placement.of(ClusterModels.from(moved.snapshot(), sim.scenario().catalog(), rates));
        for (String accelerator : accelerators) {
            assertEquals(fresh.appsOn(accelerator), moved.placement().appsOn(accelerator), accelerator);
            assertEquals(fresh.serviceLoad(accelerator), moved.placement().serviceLoad(accelerator), 1e-12, accelerator);
        }
        assertEquals(fresh.snapshot().assignment(), moved.placement().snapshot().assignment());
        assertEquals(accelerators.get(1), moved.placement().deviceOf(apps.get(0)).orElseThrow(), "a moving app counts on its target");

        var learned = new PredictionRecord.AppPrediction(apps.get(1), "mobilenet_v2", 7.5, 0.0, 4.0, 10.0, 0.1, "learned", 1.0,
                50.0, null, null, null, null, 50.0, null, 50.0, 200.0, "mean", true);
        rates.update(new PredictionRecord(PredictionRecord.SCHEMA, accelerators.get(0), "edgetpu",
                accelerators.get(0).substring(0, accelerators.get(0).indexOf('/')), 0, 1000, 0.5, true, null, List.of(learned)));
        Placement relearned = reading.current().placement();
        assertNotSame(moved.placement(), relearned, "a rate learned: made afresh");
        assertEquals(7.5, relearned.app(apps.get(1)).ratePerSec(), 0.0);
    }
}
