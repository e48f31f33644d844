package dev.perch.cluster;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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

    /**
     * The nodes a move under way is leaving: the old copy still runs there, holding its memory (and,
     * until the switch, its load), while the planner already counts the app on its target.
     */
    public Set<String> nodesBeingLeft() {
        Set<String> nodes = new TreeSet<>();
        for (RunningApp app : apps) {
            app.migratingFrom().flatMap(this::accelerator).ifPresent(a -> nodes.add(a.node()));
        }
        return nodes;
    }
}
