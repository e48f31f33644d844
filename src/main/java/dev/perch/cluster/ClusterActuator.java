package dev.perch.cluster;

/** The brain's write port: the only way Perch changes a cluster. */
public interface ClusterActuator {
    /**
     * Applies one step.
     *
     * @throws ActuationException when the cluster refuses the step or it fails
     */
    ApplyResult apply(PlanStep step);
}
