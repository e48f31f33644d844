package dev.perch.cluster;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.SloStatistic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterSnapshotTest {
    private static RunningApp app(String id, String on) {
        return new RunningApp(new AppSpec(id, "mobilenet_v2", 1, 100, SloStatistic.MEAN, null), Optional.ofNullable(on),
                Optional.empty(), Optional.empty());
    }

    private static ClusterNode node(String node, AcceleratorType type) {
        return new ClusterNode(node, 4096, 10, List.of(new Accelerator(node + "/" + type.name().toLowerCase(), node, type)));
    }

    /** What a scan of the lists finds: the first with the id, as the lookups did before they were indexed. */
    private static Optional<RunningApp> scan(ClusterSnapshot snapshot, String id) {
        return snapshot.apps().stream().filter(a -> a.app().equals(id)).findFirst();
    }

    @Test
    void lookupsFindWhatAScanOfTheListsFinds() {
        List<ClusterNode> nodes = new ArrayList<>();
        List<RunningApp> apps = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            nodes.add(node("pi-" + i, i % 4 == 0 ? AcceleratorType.GPU : AcceleratorType.EDGETPU));
            apps.add(app("app-" + i, i % 3 == 0 ? null : nodes.get(i).accelerators().get(0).id()));
        }
        RunningApp duplicate = app("app-7", "pi-0/gpu");
        apps.add(duplicate); // a list with an id twice: the first is the one found
        ClusterSnapshot snapshot = new ClusterSnapshot(2.0, nodes, apps);

        for (int i = -1; i < 201; i++) {
            String id = "app-" + i;
            assertEquals(scan(snapshot, id), snapshot.app(id), id);
        }
        assertSame(apps.get(7), snapshot.app("app-7").orElseThrow());
        for (ClusterNode node : nodes) {
            assertEquals(Optional.of(node), snapshot.node(node.node()));
            for (Accelerator accelerator : node.accelerators()) {
                assertEquals(Optional.of(accelerator), snapshot.accelerator(accelerator.id()));
            }
        }
        assertTrue(snapshot.node("pi-200").isEmpty());
        assertTrue(snapshot.app(null).isEmpty() && snapshot.accelerator(null).isEmpty() && snapshot.node(null).isEmpty(),
                "no id finds nothing, as a scan does");
        assertTrue(snapshot.accelerator("pi-1/gpu").isEmpty());
    }

    @Test
    void aSnapshotIsAValue() {
        List<ClusterNode> nodes = List.of(node("pi-1", AcceleratorType.EDGETPU));
        ClusterSnapshot a = new ClusterSnapshot(2.0, nodes, List.of(app("x", "pi-1/edgetpu")));
        ClusterSnapshot b = new ClusterSnapshot(2.0, new ArrayList<>(nodes), List.of(app("x", "pi-1/edgetpu")));
        b.app("x"); // an index built on one and not the other changes nothing
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, new ClusterSnapshot(2.5, nodes, List.of(app("x", "pi-1/edgetpu"))));
        assertNotEquals(a, new ClusterSnapshot(2.0, nodes, List.of(app("x", null))));
    }
}
