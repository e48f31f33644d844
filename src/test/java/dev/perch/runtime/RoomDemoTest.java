package dev.perch.runtime;

import dev.perch.controller.RecentDecisions;
import dev.perch.telemetry.DecisionRecord;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code demo --scenario room --speed max} through the whole pipeline — real broker, real Streams,
 * the simulated cluster with its 2 s moves: the controller moves the MobileNet-V2 app to make room,
 * and the demo's loop places the new app once that move is over (the loop, not only the first pass,
 * looks at unplaced apps again). The simulator judges every app within its SLO.
 */
@QuarkusTest
@TestProfile(RoomDemoTest.RoomDemo.class)
@QuarkusTestResource(EmbeddedKafkaResource.class)
class RoomDemoTest {
    public static class RoomDemo implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("perch.scenario", "room", "perch.speed", "max");
        }
    }

    @Inject
    DemoDriver demo;
    @Inject
    RecentDecisions decisions;

    @Test
    void theNewAppIsPlacedOnceTheMoveThatMakesItsRoomIsOver() throws InterruptedException {
        DemoSummary summary = demo.run();

        List<DecisionRecord> oldestFirst = new ArrayList<>(decisions.latest(100));
        Collections.reverse(oldestFirst);
        assertEquals(List.of("move mobile nano-1/gpu0 patched", "place medium pi-1/tpu0 created"), oldestFirst.stream()
                .map(d -> d.action() + " " + d.app() + " " + d.to() + " " + d.result()).toList());
        assertEquals("new app, after mobile moved to nano-1/gpu0 to make room", oldestFirst.get(1).trigger());
        long waitedMs = oldestFirst.get(1).atMs() - oldestFirst.get(0).atMs();
        assertTrue(waitedMs >= 2000 && waitedMs <= 3000, "placed at a window's pass just after the 2 s move, not "
                + waitedMs + " ms after it started");
        assertEquals(Map.of("large", "pi-1/tpu0", "mobile", "nano-1/gpu0", "medium", "pi-1/tpu0"), summary.apps().stream()
                .collect(java.util.stream.Collectors.toMap(DemoSummary.AppSummary::app, DemoSummary.AppSummary::accelerator)));
        assertEquals(3, summary.appsPlaced(), "every app of the room scenario on an accelerator at the end: " + summary);
        assertEquals(0, summary.violationSeconds(), summary.toString());
    }
}
