package dev.perch.controller;

import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.DecisionRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No room is planned for a new app while the move cap holds every move: the app is declined with
 * the cap as its reason, and looked at again with room once a move may start. Two Edge TPUs each
 * swap between an EfficientNet-L and a MobileNet-V2 app, as in the {@code room} scenario; each
 * needs its MobileNet-V2 app moved off before a new EfficientNet-M app fits there. With one move a
 * minute, the first new app's room takes the minute's move; the second is declined without a room
 * search — not recorded as a move the cap holds — and its room is planned once a move may start.
 */
class RoomUnderTheMoveCapTest {
    private static final long EPOCH = 1_764_201_600_000L;
    private static final Scenario TWO_ROOMS = ScenarioReader.parse("""
            name: two-rooms
            networkMs: 10
            lengthSec: 240
            nodes:
              - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
              - {node: pi-2, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
              - {node: nano-1, memoryMb: 4096, acceleratorTypes: [gpu], frontendServiceMs: 24}
            apps:
              - {app: large-1, model: efficientnet-L, ratePerSec: 8, sloMs: 600, sloStatistic: mean, runningOn: pi-1/tpu0}
              - {app: mobile-1, model: mobilenet_v2, ratePerSec: 10, sloMs: 200, sloStatistic: mean, runningOn: pi-1/tpu0}
              - {app: large-2, model: efficientnet-L, ratePerSec: 8, sloMs: 600, sloStatistic: mean, runningOn: pi-2/tpu0}
              - {app: mobile-2, model: mobilenet_v2, ratePerSec: 10, sloMs: 200, sloStatistic: mean, runningOn: pi-2/tpu0}
              - {app: medium-1, model: efficientnet-M, ratePerSec: 8, sloMs: 400, sloStatistic: mean}
              - {app: medium-2, model: efficientnet-M, ratePerSec: 8, sloMs: 400, sloStatistic: mean}
            """, "two-rooms");

    private final List<DecisionRecord> decisions = new ArrayList<>();

    @Test
    void aNewAppWaitsForTheMoveCapWithoutARoomSearchThenGetsItsRoom() {
        SimulatedCluster sim = new SimulatedCluster(TWO_ROOMS, 1, EPOCH, 2000);
        ControllerSettings oneMoveAMinute = ControllerSettings.DEFAULT.withGuards(
                new Guards.Limits(1, 1, 2, Duration.ofMinutes(1), false));
        Reconciler controller = Reconciler.builder(sim, sim, new SimClock(sim::nowEpochMs))
                .catalog(sim.scenario().catalog()).rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(decisions))
                .settings(oneMoveAMinute).build();
        for (int s = 0; s < 240; s++) {
            controller.placeUnplaced();
            sim.advanceWindow();
        }

        long firstMoveAtMs = decisions.stream().filter(d -> d.action().equals("move") && "patched".equals(d.result())
                && d.trigger().startsWith("new app medium-1")).findFirst().orElseThrow().atMs();
        List<DecisionRecord> forSecond = decisions.stream().filter(d -> d.app().equals("medium-2")
                || d.trigger().startsWith("new app medium-2")).toList();
        DecisionRecord first = forSecond.get(0);
        assertEquals("none", first.action(), "the first answer to medium-2, while medium-1's room takes the minute's move: " + first);
        assertTrue(first.reason().contains("no room is looked for while no move may start (held: 1 moves started"), first.reason());
        List<DecisionRecord> withinTheMinute = forSecond.stream().filter(d -> d.atMs() - firstMoveAtMs < 60_000).toList();
        assertTrue(withinTheMinute.stream().allMatch(d -> d.action().equals("none")),
                "no room planned for medium-2 while the minute's move is spent: " + withinTheMinute);
        DecisionRecord firstRoom = forSecond.stream().filter(d -> d.action().equals("move")).findFirst().orElseThrow();
        assertTrue(firstRoom.atMs() - firstMoveAtMs >= 60_000, "room for medium-2 planned once a move may start: "
                + (firstRoom.atMs() - firstMoveAtMs) + " ms after the first move");
        assertEquals(List.of("medium-1", "medium-2"), decisions.stream().filter(d -> d.action().equals("place")
                && d.result().equals("created")).map(DecisionRecord::app).toList(), "both placed");
        assertTrue(sim.verdicts().stream().noneMatch(SimulatedCluster.AppVerdict::inViolation), "every SLO holds");
    }
}
