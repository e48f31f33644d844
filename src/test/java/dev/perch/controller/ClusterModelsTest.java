package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.placement.Placement;
import dev.perch.sim.SimulatedCluster;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The controller's model of a cluster whose app records name an accelerator the cluster no longer
 * has: a move to a node just lost stays in the app's record until the cluster rolls it back (the
 * fault suite's {@code node-lost} found every pass failing on it meanwhile, no app placed again).
 */
class ClusterModelsTest {
    private final Scenario room = ScenarioReader.load("room");
    private final ClusterSnapshot cluster = new SimulatedCluster(room, 1, 1_764_201_600_000L, 2000).snapshot();

    private Placement modelWith(RunningApp mobile) {
        List<RunningApp> apps = cluster.apps().stream().map(a -> a.app().equals("mobile") ? mobile : a).toList();
        return Placement.of(ClusterModels.from(new ClusterSnapshot(cluster.networkMs(), cluster.nodes(), apps),
                room.catalog(), new LiveRates()));
    }

    @Test
    void anAppMovingToAnAcceleratorTheClusterNoLongerHasCountsOnItsSource() {
        RunningApp mobile = cluster.app("mobile").orElseThrow();
        Placement placement = modelWith(new RunningApp(mobile.spec(), Optional.of("pi-1/tpu0"), Optional.of("nano-9/gpu0"),
                Optional.of("pi-1/tpu0")));
        assertEquals(Optional.of("pi-1/tpu0"), placement.deviceOf("mobile"));
    }

    @Test
    void anAppSwitchedToAnAcceleratorTheClusterNoLongerHasCountsWhereItsOldCopyStillRuns() {
        RunningApp mobile = cluster.app("mobile").orElseThrow();
        Placement placement = modelWith(new RunningApp(mobile.spec(), Optional.of("nano-9/gpu0"), Optional.of("nano-9/gpu0"),
                Optional.of("pi-1/tpu0")));
        assertEquals(Optional.of("pi-1/tpu0"), placement.deviceOf("mobile"));
    }

    @Test
    void aMovingAppCountsOnItsTargetWhileTheClusterHasIt() {
        RunningApp mobile = cluster.app("mobile").orElseThrow();
        Placement placement = modelWith(new RunningApp(mobile.spec(), Optional.of("pi-1/tpu0"), Optional.of("nano-1/gpu0"),
                Optional.of("pi-1/tpu0")));
        assertEquals(Optional.of("nano-1/gpu0"), placement.deviceOf("mobile"));
    }
}
