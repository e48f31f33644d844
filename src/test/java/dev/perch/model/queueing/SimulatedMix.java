package dev.perch.model.queueing;

import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.ServiceSpread;
import dev.perch.sim.SimulatedCluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A mix of apps on one accelerator, as the models see it ({@link #loads}) and as the discrete-event
 * simulator runs it ({@link #simulate}) — the independent truth the model tests compare against.
 * App {@code i} is named {@code a<i>}.
 */
record SimulatedMix(AcceleratorType type, List<String> models, double[] ratesPerSec, double frontendServiceMs) {
    private static final double WARM_UP_MS = 50_000;

    /**
     * A seeded random mix of 1 to {@code maxApps} apps of the catalog's models for {@code type}, at
     * random weights, with rates that put the swap-free utilisation at a random target in 0.1–0.8
     * and no front end of {@code frontendServiceMs} past 0.8.
     */
    static SimulatedMix random(SplittableRandom random, AcceleratorType type, ProfileCatalog catalog, int maxApps,
                               double frontendServiceMs) {
        List<String> models = catalog.models().keySet().stream().filter(m -> catalog.profile(m, type).isPresent()).sorted()
                .toList();
        int apps = 1 + random.nextInt(maxApps);
        double targetRho = 0.1 + 0.7 * random.nextDouble();
        List<String> chosen = new ArrayList<>();
        double[] weights = new double[apps];
        double weightSum = 0;
        for (int a = 0; a < apps; a++) {
            chosen.add(models.get(random.nextInt(models.size())));
            weights[a] = 0.2 + random.nextDouble();
            weightSum += weights[a];
        }
        double[] rates = new double[apps];
        for (int a = 0; a < apps; a++) {
            double serviceMs = catalog.profile(chosen.get(a), type).orElseThrow().serviceMs();
            rates[a] = targetRho * weights[a] / weightSum / serviceMs * 1000;
            if (frontendServiceMs > 0) {
                rates[a] = Math.min(rates[a], 0.8 * 1000 / frontendServiceMs);
            }
        }
        return new SimulatedMix(type, chosen, rates, frontendServiceMs);
    }

    /** The same apps at {@code factor} times their rates. */
    SimulatedMix scaled(double factor) {
        double[] rates = ratesPerSec.clone();
        for (int a = 0; a < rates.length; a++) {
            rates[a] *= factor;
        }
        return new SimulatedMix(type, models, rates, frontendServiceMs);
    }

    /** The apps' loads, with the service-time variability the simulator draws from (the recorded spread). */
    List<AppLoad> loads(ProfileCatalog catalog) {
        List<AppLoad> loads = new ArrayList<>();
        for (int a = 0; a < models.size(); a++) {
            ModelProfile profile = catalog.profile(models.get(a), type).orElseThrow();
            double cv = ServiceSpread.recorded().cv(profile.serviceMs(), false);
            loads.add(new AppLoad("a" + a, models.get(a), ratesPerSec[a], profile.serviceMs(), profile.swapMs(), cv));
        }
        return loads;
    }

    /** Every app's simulated latencies after a 50 s warm-up, sorted, over {@code simulatedSec} seconds. */
    Map<String, double[]> simulate(long seed, double simulatedSec) {
        StringBuilder yaml = new StringBuilder("name: mix\nnetworkMs: 0\nnodes:\n  - {node: n, memoryMb: 100000, acceleratorTypes: ["
                + type.id() + "], frontendServiceMs: " + frontendServiceMs + "}\napps:\n");
        for (int a = 0; a < models.size(); a++) {
            yaml.append(String.format("  - {app: a%d, model: %s, ratePerSec: %.6f, sloMs: 1000}%n", a, models.get(a),
                    ratesPerSec[a]));
        }
        Scenario scenario = ScenarioReader.parse(yaml.toString(), "mix");
        SimulatedCluster cluster = new SimulatedCluster(scenario, seed, 0, 0);
        Map<String, List<Double>> samples = new HashMap<>();
        cluster.addCompletionListener(c -> {
            if (cluster.nowSec() * 1000 > WARM_UP_MS) {
                samples.computeIfAbsent(c.app(), k -> new ArrayList<>()).add(c.latencyMs());
            }
        });
        String device = scenario.nodes().get(0).acceleratorIds().get(0);
        for (int a = 0; a < models.size(); a++) {
            cluster.apply(new PlanStep.Place("a" + a, device));
        }
        for (int s = 0; s < simulatedSec; s++) {
            cluster.advanceWindow();
        }
        Map<String, double[]> sorted = new HashMap<>();
        samples.forEach((app, list) -> sorted.put(app, list.stream().mapToDouble(Double::doubleValue).sorted().toArray()));
        return sorted;
    }

    static double percentile(double[] sorted, double p) {
        return sorted[(int) Math.ceil(p * sorted.length) - 1];
    }
}
