package dev.perch.cluster;

import java.util.List;

/** The brain's write port: the only way Perch changes a cluster. */
public interface ClusterActuator {
    /**
     * Applies one step.
     *
     * @throws ActuationException when the cluster refuses the step or it fails
     */
    ApplyResult apply(PlanStep step);

    /**
     * Carries the moves under way one stage further where the cluster needs the controller for it
     * (on Kubernetes: new copy ready → traffic switched → old copy removed, or rolled back); returns
     * what it did, one line a stage. Where the cluster carries its moves itself (the simulator's
     * clock), nothing.
     */
    default List<String> progressMoves() {
        return List.of();
    }

    /** Whether this actuator only records what it is given (a dry run) rather than applying it. */
    default boolean dryRun() {
        return false;
    }
}
