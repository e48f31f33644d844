package dev.perch.cli;

import dev.perch.model.profile.Scenario;
import dev.perch.placement.ClusterModel;
import dev.perch.placement.PlacementPolicy;

import java.util.List;

/** Lets the placement tests build the planner's picture of a scenario and run the evaluation. */
public final class EvaluateCommandAccess {
    private EvaluateCommandAccess() {
    }

    public static ClusterModel initial(Scenario scenario) {
        return EvaluateCommand.initial(scenario);
    }

    /** How many of the placed apps the simulator sees over their SLO (10 simulated minutes after a warm-up). */
    public static int violating(Scenario scenario, java.util.Map<String, String> placement, long seed) {
        return EvaluateCommand.violating(scenario, placement, seed);
    }

    public static EvaluateCommand.Report evaluate(Scenario scenario, List<String> strategies, long seed) {
        return EvaluateCommand.evaluate(scenario, strategies, seed, PlacementPolicy.DEFAULT, Progress.NONE);
    }
}
