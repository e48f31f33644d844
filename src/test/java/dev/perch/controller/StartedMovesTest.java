package dev.perch.controller;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ClusterNode;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.SloStatistic;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a watched move's end is read from the cluster's snapshots: how long a failed target stays closed, and when an accelerator counts as relieved. */
class StartedMovesTest {
    private static final long START_MS = 1_000_000;
    private final StartedMoves failed = new StartedMoves(Duration.ofMinutes(10));

    private static ClusterSnapshot cam(String on, String movingTo) {
        List<ClusterNode> nodes = List.of(
                new ClusterNode("pi-1", 4096, 20, List.of(new Accelerator("pi-1/tpu0", "pi-1", AcceleratorType.EDGETPU))),
                new ClusterNode("pi-2", 4096, 20, List.of(new Accelerator("pi-2/tpu0", "pi-2", AcceleratorType.EDGETPU))));
        AppSpec spec = new AppSpec("cam", "mobilenet_v2", 5, 200, SloStatistic.MEAN, null);
        return new ClusterSnapshot(10, nodes, List.of(new RunningApp(spec, Optional.ofNullable(on),
                Optional.ofNullable(movingTo), movingTo == null ? Optional.empty() : Optional.of("pi-1/tpu0"))));
    }

    private static final ClusterSnapshot ON_SOURCE = cam("pi-1/tpu0", null);
    private static final ClusterSnapshot MOVING = cam("pi-1/tpu0", "pi-2/tpu0");
    private static final ClusterSnapshot LANDED = cam("pi-2/tpu0", null);
    private static final ClusterSnapshot UNPLACED = cam(null, null);

    @Test
    void aMoveSeenUnderWayThatEndsBackOnItsSourceClosesItsTargetForTheHold() {
        failed.started("cam", "pi-1/tpu0", "pi-2/tpu0", START_MS);
        failed.observe(MOVING, START_MS + 5_000);
        assertEquals(Map.of(), failed.closedTargets(START_MS + 5_000), "under way: nothing failed yet");
        failed.observe(MOVING, START_MS + 120_000);
        failed.observe(ON_SOURCE, START_MS + 125_000); // rolled back

        Map<String, String> closed = failed.closedTargets(START_MS + 185_000);
        assertEquals(List.of("pi-2/tpu0"), List.copyOf(closed.keySet()));
        assertEquals("a move of cam from pi-1/tpu0 to it failed 60 s ago (rolled back); it takes no app for another 540 s",
                closed.get("pi-2/tpu0"));

        failed.observe(ON_SOURCE, START_MS + 125_000 + 599_999);
        assertEquals(1, failed.closedTargets(START_MS + 125_000 + 599_999).size(), "still within the 10 minutes");
        failed.observe(ON_SOURCE, START_MS + 125_000 + 600_000);
        assertEquals(Map.of(), failed.closedTargets(START_MS + 125_000 + 600_000), "open again after the hold");
    }

    @Test
    void aMoveThatLandsClosesNothing() {
        failed.started("cam", "pi-1/tpu0", "pi-2/tpu0", START_MS);
        failed.observe(MOVING, START_MS + 5_000);
        failed.observe(LANDED, START_MS + 10_000);
        assertEquals(Map.of(), failed.closedTargets(START_MS + 10_000));
        // Watched no more: the app later seen back on pi-1 (moved there by a later decision) blames nothing.
        failed.observe(ON_SOURCE, START_MS + 60_000);
        assertEquals(Map.of(), failed.closedTargets(START_MS + 60_000));
    }

    @Test
    void anAppOnItsSourceBeforeTheClusterShowsTheMoveIsNotAFailure() {
        failed.started("cam", "pi-1/tpu0", "pi-2/tpu0", START_MS);
        failed.observe(ON_SOURCE, START_MS + 1); // the cluster's view lags the API
        failed.observe(MOVING, START_MS + 5_000);
        assertEquals(Map.of(), failed.closedTargets(START_MS + 5_000));
        failed.observe(ON_SOURCE, START_MS + 130_000);
        assertTrue(failed.closedTargets(START_MS + 130_000).containsKey("pi-2/tpu0"), "seen under way, then back: failed");
    }

    @Test
    void aMoveNeverShownUnderWayOrAnAppUnplacedBlamesNoTarget() {
        failed.started("cam", "pi-1/tpu0", "pi-2/tpu0", START_MS);
        failed.observe(ON_SOURCE, START_MS + StartedMoves.MOVE_SEEN_WITHIN_MS + 1);
        failed.observe(MOVING, START_MS + StartedMoves.MOVE_SEEN_WITHIN_MS + 2); // no longer watched
        failed.observe(ON_SOURCE, START_MS + StartedMoves.MOVE_SEEN_WITHIN_MS + 3);
        assertEquals(Map.of(), failed.closedTargets(START_MS + StartedMoves.MOVE_SEEN_WITHIN_MS + 3));

        failed.started("cam", "pi-1/tpu0", "pi-2/tpu0", START_MS);
        failed.observe(MOVING, START_MS + 5_000);
        failed.observe(UNPLACED, START_MS + 10_000); // its node lost: not the target's doing
        failed.observe(ON_SOURCE, START_MS + 15_000);
        assertEquals(Map.of(), failed.closedTargets(START_MS + 15_000));
    }

    @Test
    void anAcceleratorIsBeingRelievedUntilTheMoveOffItIsOverAndNewsMustComeFromAfterThat() {
        assertEquals(Optional.empty(), failed.relieving("pi-1/tpu0"));
        assertTrue(failed.newsAfterRelief("pi-1/tpu0", START_MS - 60_000), "no move off it lately: any news counts");

        failed.started("cam", "pi-1/tpu0", "pi-2/tpu0", START_MS);
        assertEquals(Optional.of("cam"), failed.relieving("pi-1/tpu0"), "from the start, before the cluster shows it");
        assertEquals(Optional.empty(), failed.relieving("pi-2/tpu0"), "the target is not being relieved");
        failed.observe(MOVING, START_MS + 1_000);
        assertEquals(Optional.of("cam"), failed.relieving("pi-1/tpu0"));
        failed.observe(LANDED, START_MS + 3_000);
        assertEquals(Optional.empty(), failed.relieving("pi-1/tpu0"));

        assertFalse(failed.newsAfterRelief("pi-1/tpu0", START_MS + 2_999), "a window that started before the move was over");
        assertTrue(failed.newsAfterRelief("pi-1/tpu0", START_MS + 3_000));
        assertTrue(failed.newsAfterRelief("pi-2/tpu0", START_MS), "only the source was relieved");

        failed.observe(LANDED, START_MS + 3_000 + AlertAnswers.STALE_ALERT_MS + 1);
        assertTrue(failed.newsAfterRelief("pi-1/tpu0", START_MS), "forgotten once news that old is stale anyway");
    }

    @Test
    void aRolledBackMoveEndsTheReliefToo() {
        failed.started("cam", "pi-1/tpu0", "pi-2/tpu0", START_MS);
        failed.observe(MOVING, START_MS + 1_000);
        failed.observe(ON_SOURCE, START_MS + 121_000);
        assertEquals(Optional.empty(), failed.relieving("pi-1/tpu0"));
        assertFalse(failed.newsAfterRelief("pi-1/tpu0", START_MS + 120_000));
        assertTrue(failed.newsAfterRelief("pi-1/tpu0", START_MS + 121_000));
    }

    @Test
    void aNewerMoveReplacesTheWatchedOne() {
        failed.started("cam", "pi-1/tpu0", "pi-2/tpu0", START_MS);
        failed.observe(cam("pi-1/tpu0", "pi-3/tpu0"), START_MS + 5_000); // another controller's move elsewhere
        failed.observe(ON_SOURCE, START_MS + 10_000);
        assertEquals(Map.of(), failed.closedTargets(START_MS + 10_000));
    }
}
