package dev.perch.sim;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ClusterNode;
import dev.perch.model.profile.Scenario;

import java.util.ArrayList;
import java.util.List;

/** The simulated cluster's nodes and accelerators as the cluster port shows them: the scenario's, which never change. */
final class SimulatedNodes {
    private SimulatedNodes() {
    }

    static List<ClusterNode> of(Scenario scenario) {
        return scenario.nodes().stream().map(node -> {
            List<String> ids = node.acceleratorIds();
            List<Accelerator> list = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                list.add(new Accelerator(ids.get(i), node.node(), node.acceleratorTypes().get(i)));
            }
            return new ClusterNode(node.node(), node.memoryMb(), node.frontendServiceMs(), list);
        }).toList();
    }
}
