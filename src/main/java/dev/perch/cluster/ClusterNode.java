package dev.perch.cluster;

import java.util.List;

/** A node as the cluster reports it: memory, accelerators, and its front end's mean service time. */
public record ClusterNode(String node, double memoryMb, double frontendServiceMs, List<Accelerator> accelerators) {
    public ClusterNode {
        accelerators = List.copyOf(accelerators);
    }
}
