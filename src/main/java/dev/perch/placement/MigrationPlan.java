package dev.perch.placement;

import java.util.List;

/**
 * A plan: the steps to take, in order, each with its reason and the predictions before and after
 * on the accelerators it touches ({@link PlannedStep}); and what the plan could not bring back
 * (within the move budget or at all), with why. Executing the steps in order, each once the one
 * before it is over, never breaks an SLO that held before.
 */
public record MigrationPlan(List<PlannedStep> steps, List<String> unresolved) {
    public MigrationPlan {
        steps = List.copyOf(steps);
        unresolved = List.copyOf(unresolved);
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    /** How many apps already running it moves. */
    public long moves() {
        return steps.stream().filter(PlannedStep::isMove).count();
    }
}
