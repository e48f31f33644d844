package dev.perch.runtime;

import dev.perch.cli.EvaluateCommandAccess;
import dev.perch.controller.RecentDecisions;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.DecisionRecord;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One decision path: {@code demo --scenario FILE --seed N --speed max} — the controller as the
 * application wires it, through the real broker and Streams, alerts and all — places every app
 * where {@code evaluate}'s {@code perch} places it, app by app, over the same simulated span, and
 * hosts at least as many apps at the end. FILE is {@code mixed:N} as written by
 * {@code --print-scenario}, its length cut to one simulated minute (test resources, one-path/). Seed 1
 * runs in the default test run, seeds 2 and 3 with the sweeps ({@code mvn -Psweeps verify}).
 */
abstract class OnePathTest {
    /** The scenario file of {@code mixed:seed}. */
    static String scenarioFile(int seed) {
        try {
            return java.nio.file.Path.of(OnePathTest.class.getResource("/one-path/mixed-" + seed + ".yaml").toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The demo on {@code mixed:seed}'s file, its simulator seeded with {@code seed}. */
    abstract static class Mixed implements QuarkusTestProfile {
        abstract int seed();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("perch.scenario", scenarioFile(seed()), "perch.seed", Integer.toString(seed()), "perch.speed", "max");
        }
    }

    @Inject
    DemoDriver demo;
    @Inject
    RecentDecisions decisions;

    void theDemoPlacesAppsWhereEvaluateDoes(int seed) throws InterruptedException {
        DemoSummary summary = demo.run();
        List<DecisionRecord> oldestFirst = new ArrayList<>(decisions.latest(RecentDecisions.CAPACITY));
        Collections.reverse(oldestFirst);
        assertTrue(oldestFirst.size() < RecentDecisions.CAPACITY, "every decision of the demo kept");
        Map<String, String> demoPlaced = new LinkedHashMap<>();
        oldestFirst.stream().filter(d -> d.action().equals("place") && "created".equals(d.result()))
                .forEach(d -> demoPlaced.putIfAbsent(d.app(), d.to()));

        long spanMs = (long) (summary.simulatedSec() * 1000);
        Map<String, String> evaluatePlaced = new LinkedHashMap<>();
        for (String[] placed : EvaluateCommandAccess.placementsByController(ScenarioReader.load(scenarioFile(seed)), seed)) {
            if (Long.parseLong(placed[2]) <= spanMs) {
                evaluatePlaced.put(placed[0], placed[1]);
            }
        }
        assertEquals(evaluatePlaced, demoPlaced, "app by app, over the demo's " + summary.simulatedSec() + " simulated s");
        assertTrue(summary.appsPlaced() >= evaluatePlaced.size(), summary.toString());
    }
}

@QuarkusTest
@TestProfile(OnePathSeed1Test.Seed.class)
@QuarkusTestResource(EmbeddedKafkaResource.class)
class OnePathSeed1Test extends OnePathTest {
    public static class Seed extends Mixed {
        @Override
        int seed() {
            return 1;
        }
    }

    @Test
    void mixedSeed1() throws InterruptedException {
        theDemoPlacesAppsWhereEvaluateDoes(1);
    }
}

@QuarkusTest
@TestProfile(OnePathSeed2Test.Seed.class)
@QuarkusTestResource(EmbeddedKafkaResource.class)
@Tag("sweep")
class OnePathSeed2Test extends OnePathTest {
    public static class Seed extends Mixed {
        @Override
        int seed() {
            return 2;
        }
    }

    @Test
    void mixedSeed2() throws InterruptedException {
        theDemoPlacesAppsWhereEvaluateDoes(2);
    }
}

@QuarkusTest
@TestProfile(OnePathSeed3Test.Seed.class)
@QuarkusTestResource(EmbeddedKafkaResource.class)
@Tag("sweep")
class OnePathSeed3Test extends OnePathTest {
    public static class Seed extends Mixed {
        @Override
        int seed() {
            return 3;
        }
    }

    @Test
    void mixedSeed3() throws InterruptedException {
        theDemoPlacesAppsWhereEvaluateDoes(3);
    }
}
