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
}
