package dev.perch.runtime;

import dev.perch.cluster.LearnedProfiles;
import dev.perch.controller.RecentDecisions;
import dev.perch.model.profile.LearnedProfile;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.UnprofiledScenarios;
import dev.perch.telemetry.DecisionRecord;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code demo --scenario FILE --speed max} on a scenario Perch was not shipped with — generated, with
 * one model per accelerator type that Perch's catalog lacks and the simulator runs by its own
 * figures — through the whole pipeline (broker, Streams, controller, simulated cluster). Each such
 * model's app goes on probation, the profile learned from its telemetry is within 10 % of the
 * simulator's service time within 60 simulated seconds, and the simulator judges every SLO kept.
 * On a cluster with idle accelerators ({@link UnprofiledIdleDemoTest}) and on one where every
 * accelerator is busy ({@link UnprofiledBusyDemoTest}: one is emptied first).
 */
abstract class UnprofiledDemo {
    private static final long SEED = 7;
    static final double LENGTH_SEC = 90;

    @Inject
    DemoDriver demo;
    @Inject
    RecentDecisions decisions;
    @Inject
    LearnedProfiles.InMemory learned;

    static Map<String, String> demoOf(UnprofiledScenarios.Start start) {
        try {
            Path file = Files.createTempDirectory("perch-unprofiled").resolve(start.name().toLowerCase(java.util.Locale.ROOT) + ".yaml");
            scenario(start).writeTo(file);
            return Map.of("perch.scenario", file.toString(), "perch.speed", "max");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static UnprofiledScenarios.Generated scenario(UnprofiledScenarios.Start start) {
        return UnprofiledScenarios.generate(SEED, 3, 3, start, LENGTH_SEC);
    }

    abstract UnprofiledScenarios.Start start();

    @Test
    void eachUnprofiledModelIsLearnedOnProbationWithinTenPercentAndNoSloBreaks() throws InterruptedException {
        DemoSummary summary = demo.run();
        Scenario scenario = scenario(start()).read();
        List<DecisionRecord> all = decisions.latest(10_000);
        assertEquals(scenario.unprofiledModelsInUse().size(), learned.kept().size(),
                "one profile learned per unprofiled model: " + learned.kept() + "\n" + summary);
        for (LearnedProfile profile : learned.kept()) {
            ModelProfile truth = scenario.simulatorProfile(profile.model(), profile.type()).orElseThrow();
            assertEquals(truth.serviceMs(), profile.serviceMs(), 0.1 * truth.serviceMs(), profile.toString());
            DecisionRecord placed = all.stream().filter(d -> d.app().equals(profile.app()) && "place".equals(d.action())
                    && d.reason().startsWith("probation")).findFirst().orElseThrow(() -> new AssertionError(
                    "no probation placement of " + profile.app() + " among " + all));
            DecisionRecord ended = all.stream().filter(d -> d.app().equals(profile.app())
                    && d.reason().startsWith("probation ended")).findFirst().orElseThrow();
            assertTrue(ended.atMs() - placed.atMs() <= 60_000, "learned within 60 simulated seconds of the probation's start: "
                    + placed + " → " + ended);
            List<DecisionRecord> beside = all.stream().filter(d -> !d.app().equals(profile.app())
                    && profile.accelerator().equals(d.to()) && d.atMs() >= placed.atMs() && d.atMs() <= ended.atMs()).toList();
            assertEquals(List.of(), beside, "no app placed or moved beside " + profile.app() + " while it learned");
            DemoSummary.AppSummary app = summary.apps().stream().filter(a -> a.app().equals(profile.app())).findFirst()
                    .orElseThrow();
            assertEquals(profile.source(), app.learnedProfile().source());
        }
        assertEquals(0, summary.violationSeconds(), "the simulator judges every SLO kept: " + summary);
    }
}
