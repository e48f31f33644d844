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
import dev.perch.placement.Host;
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
 * How far the paper's policies load an accelerator, by the paper's measure and by Perch's:
 * {@code ibis-bfs} and {@code ibis-dfs} cap each accelerator at {@link IbisStrategy#PAPER_MAX_UTILIZATION}
 * of the utilisation the paper's model predicts at the apps' declared rates, without the front
 * ends; Perch caps ({@link PlacementPolicy#maxUtilization}) the utilisation its own model predicts
 * at its planned rates ({@link PlacementPolicy#rateHeadroom} over the declared ones), with the
 * front ends, whose interleaving adds swaps on an Edge TPU. For each seed, each policy's placement
 * as {@code evaluate} makes it (the scenario's apps offered in order), and for every accelerator with
 * apps three utilisations: the paper's (as the policy computes it), Perch's model at the declared
 * rates (what the front ends add) and Perch's at its planned rates ({@link DeviceEvaluator#evaluate},
 * what Perch's cap is applied to). Prints one line per seed and, last, the largest of each per
 * accelerator type.
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
        // Per type: {paper's, Perch's model at declared rates, Perch's at planned rates}.
        Map<AcceleratorType, double[]> largest = new EnumMap<>(AcceleratorType.class);
        for (long seed = first; seed <= last; seed++) {
            Scenario scenario = ScenarioReader.load(scenarioName, seed);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s seed %d:", scenarioName, seed));
            for (String name : List.of("ibis-bfs", "ibis-dfs")) {
                Placement placement = Placement.of(EvaluateCommandAccess.initial(scenario));
                Strategy.Online policy = (Strategy.Online) Strategies.create(name, PlacementPolicy.DEFAULT);
                scenario.apps().stream().filter(app -> app.runningOn() == null).forEach(app -> policy.offer(placement, app.app()));
                double paperMax = 0;
                double declaredMax = 0;
                double perchMax = 0;
                for (Device device : placement.devices()) {
                    if (placement.appsOn(device.id()).isEmpty()) {
                        continue;
                    }
                    double paper = utilization(placement, device, EndToEnd.NONE);
                    Host host = placement.host(device.node());
                    double declared = utilization(placement, device, new EndToEnd(placement.networkMs(), host.frontendServiceMs(),
                            PlacementPolicy.DEFAULT.frontendCv()));
                    double ours = perch.evaluate(placement, device.id()).utilization();
                    paperMax = Math.max(paperMax, paper);
                    declaredMax = Math.max(declaredMax, declared);
                    perchMax = Math.max(perchMax, ours);
                    double[] seen = largest.computeIfAbsent(device.type(), type -> new double[3]);
                    seen[0] = Math.max(seen[0], paper);
                    seen[1] = Math.max(seen[1], declared);
                    seen[2] = Math.max(seen[2], ours);
                }
                line.append(String.format(Locale.ROOT, "  %s %d placed, highest utilisation: paper's %.3f, Perch's at declared rates %.3f,"
                        + " at planned rates %.3f", name, placement.placedCount(), paperMax, declaredMax, perchMax));
            }
            System.out.println(line);
        }
        largest.forEach((type, seen) -> System.out.printf(Locale.ROOT,
                "%s: highest utilisation: paper's %.3f, Perch's at declared rates %.3f, at planned rates %.3f%n",
                type, seen[0], seen[1], seen[2]));
    }

    /** The utilisation the models predict at the apps' declared rates, over {@code path}. */
    private static double utilization(Placement placement, Device device, EndToEnd path) {
        List<AppLoad> loads = new ArrayList<>();
        for (AppDemand app : placement.appsOn(device.id())) {
            var profile = app.profileOn(device.type()).orElseThrow();
            loads.add(new AppLoad(app.app(), app.model(), app.ratePerSec(), profile.serviceMs(), profile.swapMs(), 0));
        }
        return LatencyModels.predict(device.type(), loads, path).utilization();
    }
}
