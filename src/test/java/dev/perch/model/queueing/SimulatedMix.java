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

/**
 * A mix of apps on one accelerator, as the models see it ({@link #loads}) and as the discrete-event
 * simulator runs it ({@link #simulate}) — the independent truth the model tests compare against.
 * App {@code i} is named {@code a<i>}.
 */
record SimulatedMix(AcceleratorType type, List<String> models, double[] ratesPerSec, double frontendServiceMs) {
    private static final double WARM_UP_MS = 50_000;

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
