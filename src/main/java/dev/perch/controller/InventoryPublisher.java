package dev.perch.controller;

import dev.perch.cluster.ClusterNode;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.InventoryRecord;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tells the topology what the cluster is — nodes with their accelerators, network and front ends,
 * and each app with its SLO and where it runs or is going — on every pass, but only what changed
 * since this replica last told it: the topics are compacted, so the topology keeps the last word
 * on each, and a pass a second over a large fleet would otherwise rewrite thousands of records
 * that say nothing new. A replica that starts or takes over tells everything once.
 *
 * <p>Not thread-safe: the {@link Reconciler} calls it under its own lock.
 */
final class InventoryPublisher {
    private final ControllerOutputs outputs;
    private final PlanExecutor executor;
    private final Clock clock;
    /**
     * What was last published of each node and app, its time left out, and of an app its learned
     * rate too: the topology reads that rate only to seed an app that has just moved, and the
     * executor publishes the app's record with it at every move.
     */
    private final Map<String, InventoryRecord> nodes = new HashMap<>();
    private final Map<String, AppRecord> apps = new HashMap<>();

    InventoryPublisher(ControllerOutputs outputs, PlanExecutor executor, Clock clock) {
        this.outputs = outputs;
        this.executor = executor;
        this.clock = clock;
    }

    void publish(ClusterSnapshot snapshot) {
        for (ClusterNode node : snapshot.nodes()) {
            InventoryRecord record = new InventoryRecord(InventoryRecord.SCHEMA, node.node(), node.memoryMb(),
                    snapshot.networkMs(), node.frontendServiceMs(),
                    node.accelerators().stream().map(a -> new InventoryRecord.Entry(a.id(), a.type().id())).toList(), 0);
            if (!record.equals(nodes.put(node.node(), record))) {
                outputs.inventory(new InventoryRecord(record.schema(), record.node(), record.memoryMb(), record.networkMs(),
                        record.frontendServiceMs(), record.accelerators(), clock.millis()));
            }
        }
        Map<String, String> nodeOf = ClusterReading.nodesOf(snapshot);
        for (RunningApp app : snapshot.apps()) {
            AppRecord now = executor.appRecord(app, app.migratingTo().or(app::accelerator),
                    accelerator -> Optional.ofNullable(nodeOf.get(accelerator)));
            // The telemetry stays in: a new pod IP is news to the node agent that scrapes the app.
            AppRecord timeless = new AppRecord(now.schema(), now.app(), now.model(), now.expectedRatePerSec(), now.sloMs(),
                    now.sloStatistic(), now.sloWindowSec(), now.node(), now.accelerator(), null, 0, now.telemetry());
            if (!timeless.equals(apps.put(app.app(), timeless))) {
                outputs.app(now);
            }
        }
    }

    /** Tell everything again at the next pass (a new term as leader: another replica may have told otherwise since). */
    void forget() {
        nodes.clear();
        apps.clear();
    }
}
