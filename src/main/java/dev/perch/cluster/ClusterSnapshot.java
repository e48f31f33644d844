package dev.perch.cluster;

import java.util.List;
import java.util.Optional;

/** A consistent read of the cluster: nodes with their accelerators, apps with their placements. */
public record ClusterSnapshot(double networkMs, List<ClusterNode> nodes, List<RunningApp> apps) {
    public ClusterSnapshot {
        nodes = List.copyOf(nodes);
        apps = List.copyOf(apps);
    }

    public Optional<RunningApp> app(String app) {
        return apps.stream().filter(a -> a.app().equals(app)).findFirst();
    }

    public Optional<Accelerator> accelerator(String id) {
        return nodes.stream().flatMap(n -> n.accelerators().stream()).filter(a -> a.id().equals(id)).findFirst();
    }

    public Optional<ClusterNode> node(String node) {
        return nodes.stream().filter(n -> n.node().equals(node)).findFirst();
    }

    public List<Accelerator> accelerators() {
        return nodes.stream().flatMap(n -> n.accelerators().stream()).toList();
    }
}
