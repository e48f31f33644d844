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

    /**
     * Brings what the cluster runs for apps already placed back to what their owners declare (a
     * changed image reaches the app's Deployment), without moving any app; returns what it changed,
     * one line an object. Where the cluster keeps no copy of a declaration (the simulator), nothing.
     * A dry run writes nothing, so it skips this too.
     */
    default List<String> keepAsDeclared() {
        return List.of();
    }

    /** Whether this actuator only records what it is given (a dry run) rather than applying it. */
    default boolean dryRun() {
        return false;
    }
}
