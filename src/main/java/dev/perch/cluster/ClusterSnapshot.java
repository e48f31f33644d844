package dev.perch.cluster;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A consistent read of the cluster: nodes with their accelerators, apps with their placements.
 *
 * <p>Immutable, and a value (equal when its parts are). Looking an app, accelerator or node up by id
 * goes through an index built on the first lookup: the controller looks up apps of a snapshot of
 * 10,000 one by one (each open alert's, each decided app's), and a scan of the list for each made
 * that quadratic (profiled at {@code mixed-1000}); the list of every accelerator is made once, too.
 */
public final class ClusterSnapshot {
    private final double networkMs;
    private final List<ClusterNode> nodes;
    private final List<RunningApp> apps;
    /**
     * Built on first use; a race builds them twice, equal. Each is published wrapped, unmodifiable,
     * through the wrapper's final field, so a thread that sees one sees it whole.
     */
    private Map<String, RunningApp> appsById;
    private Map<String, Accelerator> acceleratorsById;
    private Map<String, ClusterNode> nodesById;
    private List<Accelerator> accelerators;

    public ClusterSnapshot(double networkMs, List<ClusterNode> nodes, List<RunningApp> apps) {
        this.networkMs = networkMs;
        this.nodes = List.copyOf(nodes);
        this.apps = List.copyOf(apps);
    }

    public double networkMs() {
        return networkMs;
    }

    public List<ClusterNode> nodes() {
        return nodes;
    }

    public List<RunningApp> apps() {
        return apps;
    }

    public Optional<RunningApp> app(String app) {
        Map<String, RunningApp> index = appsById;
        if (index == null) {
            appsById = index = firstById(apps, RunningApp::app);
        }
        return lookUp(index, app);
    }

    public Optional<Accelerator> accelerator(String id) {
        Map<String, Accelerator> index = acceleratorsById;
        if (index == null) {
            acceleratorsById = index = firstById(accelerators(), Accelerator::id);
        }
        return lookUp(index, id);
    }

    public Optional<ClusterNode> node(String node) {
        Map<String, ClusterNode> index = nodesById;
        if (index == null) {
            nodesById = index = firstById(nodes, ClusterNode::node);
        }
        return lookUp(index, node);
    }

    /** Each id's first item, as a scan of the list finds it; unmodifiable, so that it is published whole. */
    private static <T> Map<String, T> firstById(List<T> items, Function<T, String> id) {
        Map<String, T> built = new HashMap<>();
        for (T item : items) {
            built.putIfAbsent(id.apply(item), item);
        }
        return Collections.unmodifiableMap(built);
    }

    /** The item of {@code id}; none for no id, as a scan finds none. */
    private static <T> Optional<T> lookUp(Map<String, T> index, String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(index.get(id));
    }

    /** Every node's accelerators, in the nodes' order; the list is made once (the planner asks for it per app). */
    public List<Accelerator> accelerators() {
        List<Accelerator> all = accelerators;
        if (all == null) {
            accelerators = all = nodes.stream().flatMap(n -> n.accelerators().stream()).toList();
        }
        return all;
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

    @Override
    public boolean equals(Object other) {
        return other instanceof ClusterSnapshot that && Double.compare(networkMs, that.networkMs) == 0
                && nodes.equals(that.nodes) && apps.equals(that.apps);
    }

    @Override
    public int hashCode() {
        return Objects.hash(networkMs, nodes, apps);
    }

    @Override
    public String toString() {
        return "ClusterSnapshot[networkMs=" + networkMs + ", nodes=" + nodes + ", apps=" + apps + "]";
    }
}
