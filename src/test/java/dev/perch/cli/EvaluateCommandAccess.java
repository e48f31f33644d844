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

    /**
     * How many of the placed apps the simulator sees under the default policy's window compliance
     * (10 simulated minutes after their longest window).
     */
    public static int violating(Scenario scenario, java.util.Map<String, String> placement, long seed) {
        return EvaluateCommand.trial(scenario, placement, seed, PlacementPolicy.DEFAULT.windowCompliance()).appsViolating();
    }

    /** Where the controller ({@code evaluate}'s {@code perch}) places a scenario's apps, app to accelerator. */
    public static java.util.Map<String, String> placedByController(Scenario scenario, long seed,
                                                                  dev.perch.controller.ControllerSettings settings) {
        return ControllerRun.run(scenario, seed, settings).placement();
    }

    /** Each app the controller placed, running as {@code evaluate}'s {@code perch}: app, accelerator, when (simulated ms). */
    public static List<String[]> placementsByController(Scenario scenario, long seed) {
        return ControllerRun.run(scenario, seed, dev.perch.controller.ControllerSettings.DEFAULT).placed().stream()
                .map(p -> new String[]{p.app(), p.accelerator(), Long.toString(p.atMs())}).toList();
    }

    /** How long a move takes in {@code evaluate}'s simulator. */
    public static double moveSec() {
        return ControllerRun.MOVE_SEC;
    }

    public static EvaluateCommand.Report evaluate(Scenario scenario, List<String> strategies, long seed) {
        return EvaluateCommand.evaluate(scenario, strategies, seed, PlacementPolicy.DEFAULT, Progress.NONE);
    }
}
