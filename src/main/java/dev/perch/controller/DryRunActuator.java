package dev.perch.controller;

import dev.perch.cluster.ApplyResult;
import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.PlanStep;

import java.util.List;

/**
 * Dry-run as an actuator, as the descheduler fakes its client: every decision runs the real logic,
 * guards included, and reaches this actuator, which changes nothing; the decision is recorded as
 * any other. The {@link PlanExecutor} is the only other place that knows of it: it labels the
 * decision a dry run, and since nothing will move, does not wait for room that will never be made.
 *
 * <p>Moves already under way when the controller started (a live run switched to dry-run) are
 * still carried to their end: finishing a move started for real decides nothing new.
 */
public final class DryRunActuator implements ClusterActuator {
    private final ClusterActuator live;

    public DryRunActuator(ClusterActuator live) {
        this.live = live;
    }

    @Override
    public ApplyResult apply(PlanStep step) {
        return new ApplyResult.Unchanged("dry run: nothing applied");
    }

    @Override
    public List<String> progressMoves() {
        return live.progressMoves();
    }

    /** Nothing: bringing objects back to their declaration writes to the cluster, which a dry run never does. */
    @Override
    public List<String> keepAsDeclared() {
        return List.of();
    }

    @Override
    public boolean dryRun() {
        return true;
    }
}
