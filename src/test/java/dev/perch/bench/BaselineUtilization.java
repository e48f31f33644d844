package dev.perch.bench;

import dev.perch.cli.EvaluateCommandAccess;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.LatencyModels;
import dev.perch.placement.AppDemand;
import dev.perch.placement.Device;
import dev.perch.placement.DeviceEvaluator;
import dev.perch.placement.IbisStrategy;
import dev.perch.placement.Placement;
import dev.perch.placement.PlacementPolicy;
import dev.perch.placement.Strategies;
import dev.perch.placement.Strategy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How far the paper's policies load an accelerator, as Perch's model measures it: {@code ibis-bfs}
 * and {@code ibis-dfs} cap each accelerator at {@link IbisStrategy#PAPER_MAX_UTILIZATION} of the
 * utilisation the paper's model predicts, which does not see the swaps the front ends cause on an
 * Edge TPU (they interleave the apps' requests); Perch's cap ({@link PlacementPolicy#maxUtilization})
 * is on its own model's utilisation, which does. For each seed, each policy's placement as
 * {@code evaluate} makes it (the scenario's apps offered in order), and for every accelerator with
 * apps both utilisations: the paper model's ({@code LatencyModels.predict} without the end-to-end
 * path, as the policy computes it) and Perch's ({@link DeviceEvaluator#evaluate}, at the policy's
 * planned rates). Prints one line per seed and, last, the largest of each per accelerator type.
 *
 * <pre>mvn -B -o -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.BaselineUtilization -Dbench="mixed 1 30"</pre>
 */
public final class BaselineUtilization {
    private BaselineUtilization() {
    }

    public static void main(String[] arguments) {
        String[] args = arguments.length == 1 ? arguments[0].trim().split("\\s+") : arguments;
        String scenarioName = args[0];
        long first = Long.parseLong(args[1]);
        long last = Long.parseLong(args[2]);
        DeviceEvaluator perch = new DeviceEvaluator(PlacementPolicy.DEFAULT);
        Map<AcceleratorType, double[]> largest = new EnumMap<>(AcceleratorType.class); // {paper's, Perch's}
        for (long seed = first; seed <= last; seed++) {
            Scenario scenario = ScenarioReader.load(scenarioName, seed);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s seed %d:", scenarioName, seed));
            for (String name : List.of("ibis-bfs", "ibis-dfs")) {
                Placement placement = Placement.of(EvaluateCommandAccess.initial(scenario));
                Strategy.Online policy = (Strategy.Online) Strategies.create(name, PlacementPolicy.DEFAULT);
                scenario.apps().stream().filter(app -> app.runningOn() == null).forEach(app -> policy.offer(placement, app.app()));
                double paperMax = 0;
                double perchMax = 0;
                for (Device device : placement.devices()) {
                    if (placement.appsOn(device.id()).isEmpty()) {
                        continue;
                    }
                    double paper = paperUtilization(placement, device);
                    double ours = perch.evaluate(placement, device.id()).utilization();
                    paperMax = Math.max(paperMax, paper);
                    perchMax = Math.max(perchMax, ours);
                    double[] seen = largest.computeIfAbsent(device.type(), type -> new double[2]);
                    seen[0] = Math.max(seen[0], paper);
                    seen[1] = Math.max(seen[1], ours);
                }
                line.append(String.format(Locale.ROOT, "  %s %d placed, highest utilisation by the paper's model %.3f, by Perch's %.3f",
                        name, placement.placedCount(), paperMax, perchMax));
            }
            System.out.println(line);
        }
        largest.forEach((type, seen) -> System.out.printf(Locale.ROOT,
                "%s: highest utilisation by the paper's model %.3f, by Perch's %.3f%n", type, seen[0], seen[1]));
    }

    /** The utilisation the paper's policies cap: their model's, without the front ends. */
    private static double paperUtilization(Placement placement, Device device) {
        List<AppLoad> loads = new ArrayList<>();
        for (AppDemand app : placement.appsOn(device.id())) {
            var profile = app.profileOn(device.type()).orElseThrow();
            loads.add(new AppLoad(app.app(), app.model(), app.ratePerSec(), profile.serviceMs(), profile.swapMs(), 0));
        }
        return LatencyModels.predict(device.type(), loads, EndToEnd.NONE).utilization();
    }
}
