package dev.perch.controller;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ClusterNode;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.model.profile.SloStatistic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which changes of the cluster may free room for an app that found none — and which cannot. */
class ClusterShapeTest {
    private static final ProfileCatalog CATALOG = ScenarioReader.defaultCatalog();

    /** {@code cam} where given (served on, moving to; null for none), {@code dock} on pi-2; Edge TPUs on the nodes named. */
    private static ClusterSnapshot cluster(String camOn, String camMovingTo, boolean withDock, String... nodes) {
        List<ClusterNode> clusterNodes = new ArrayList<>();
        for (String node : nodes) {
            clusterNodes.add(new ClusterNode(node, 4096, 20,
                    List.of(new Accelerator(node + "/tpu0", node, AcceleratorType.EDGETPU))));
        }
        List<RunningApp> apps = new ArrayList<>();
        apps.add(new RunningApp(spec("cam"), Optional.ofNullable(camOn), Optional.ofNullable(camMovingTo),
                camMovingTo == null ? Optional.empty() : Optional.ofNullable(camOn)));
        if (withDock) {
            apps.add(new RunningApp(spec("dock"), Optional.of("pi-2/tpu0"), Optional.empty(), Optional.empty()));
        }
        return new ClusterSnapshot(10, clusterNodes, apps);
    }

    private static AppSpec spec(String app) {
        return new AppSpec(app, "mobilenet_v2", 5, 200, SloStatistic.MEAN, null);
    }

    private static ClusterShape shape(ClusterSnapshot snapshot) {
        return ClusterShape.of(snapshot, CATALOG);
    }

    private static final ClusterShape CAM_ON_PI1 = shape(cluster("pi-1/tpu0", null, false, "pi-1", "pi-2"));

    @Test
    void placingAnAppOrStartingAMoveFreesNothing() {
        assertFalse(shape(cluster("pi-1/tpu0", null, false, "pi-1", "pi-2")).mayHaveFreedRoomSince(CAM_ON_PI1), "unchanged");
        assertFalse(shape(cluster("pi-1/tpu0", null, true, "pi-1", "pi-2")).mayHaveFreedRoomSince(CAM_ON_PI1),
                "an app placed on pi-2");
        assertFalse(shape(cluster("pi-1/tpu0", "pi-2/tpu0", false, "pi-1", "pi-2")).mayHaveFreedRoomSince(CAM_ON_PI1),
                "a move under way: the old copy still runs on pi-1");
    }

    @Test
    void anAppLeavingAnAcceleratorANewAcceleratorOrANewCatalogMayFreeRoom() {
        ClusterShape moving = shape(cluster("pi-1/tpu0", "pi-2/tpu0", false, "pi-1", "pi-2"));
        assertTrue(shape(cluster("pi-2/tpu0", null, false, "pi-1", "pi-2")).mayHaveFreedRoomSince(moving), "the move is over");
        assertTrue(shape(cluster("pi-1/tpu0", null, false, "pi-1", "pi-2")).mayHaveFreedRoomSince(moving),
                "the move was rolled back: pi-2 freed");
        assertTrue(shape(cluster(null, null, false, "pi-1", "pi-2")).mayHaveFreedRoomSince(CAM_ON_PI1), "cam unplaced");
        assertTrue(shape(new ClusterSnapshot(10, cluster(null, null, false, "pi-1", "pi-2").nodes(), List.of()))
                .mayHaveFreedRoomSince(CAM_ON_PI1), "cam gone");
        assertTrue(shape(cluster("pi-1/tpu0", null, false, "pi-1", "pi-2", "pi-3")).mayHaveFreedRoomSince(CAM_ON_PI1),
                "a new accelerator");
        assertFalse(shape(cluster("pi-1/tpu0", null, false, "pi-1")).mayHaveFreedRoomSince(CAM_ON_PI1),
                "an accelerator lost frees nothing");
        ProfileCatalog another = ScenarioReader.parseCatalog("""
                models:
                  mobilenet_v2: {edgetpu: {serviceMs: 4.9, swapMs: 10.4, memoryMb: 20}}
                """, "test");
        assertTrue(ClusterShape.of(cluster("pi-1/tpu0", null, false, "pi-1", "pi-2"), another).mayHaveFreedRoomSince(CAM_ON_PI1),
                "a new catalog");
    }

    @Test
    void aShapeGrownByAPassFreesNothingUntilAHoldingItAddedIsGone() {
        ClusterSnapshot camOnly = cluster("pi-1/tpu0", null, false, "pi-1", "pi-2");
        ClusterShape begun = shape(camOnly);
        ClusterShape dockPlaced = begun.holding("pi-2/tpu0", "dock");
        ClusterShape camMoving = dockPlaced.holding("pi-2/tpu0", "cam");
        assertFalse(dockPlaced.mayHaveFreedRoomSince(begun), "a placement frees nothing");
        assertFalse(camMoving.mayHaveFreedRoomSince(dockPlaced), "nor a move started");
        assertTrue(begun.mayHaveFreedRoomSince(dockPlaced), "but back to before it, dock left pi-2");
        assertTrue(dockPlaced.holding("pi-2/tpu0", "dock") == dockPlaced, "a holding it has is no change");

        // The next pass reads the cluster again: the grown shapes compare with it holding by holding.
        ClusterSnapshot both = cluster("pi-1/tpu0", null, true, "pi-1", "pi-2");
        assertFalse(shape(both).mayHaveFreedRoomSince(dockPlaced), "what the pass did, as the cluster shows it");
        assertTrue(shape(camOnly).mayHaveFreedRoomSince(dockPlaced), "dock gone since it was placed");
        assertFalse(shape(camOnly).mayHaveFreedRoomSince(begun), "unchanged since the pass began");
        ClusterShape later = shape(both);
        assertFalse(later.mayHaveFreedRoomSince(dockPlaced), "asked again: the same answer");
        assertTrue(later.mayHaveFreedRoomSince(camMoving), "cam never came to pi-2");
        assertFalse(later.holding("pi-2/tpu0", "cam").mayHaveFreedRoomSince(camMoving), "once it does, nothing is lost");
    }
}
