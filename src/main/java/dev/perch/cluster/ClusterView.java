package dev.perch.cluster;

/** The brain's read port: what the cluster looks like now. */
public interface ClusterView {
    ClusterSnapshot snapshot();
}
