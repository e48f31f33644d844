package dev.perch.model.queueing;

import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.ServiceSpread;
import dev.perch.sim.SimulatedCluster;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The analytic models against the discrete-event simulator — which executes every request and never
 * calls the models — on 50 seeded random stable mixes (ρ ≤ 0.8) of 1–6 apps of the catalog's models
 * per accelerator type.
 */
class SimulatorCrossCheckTest {
    private static final int MIXES = 50;
    private static final double SIMULATED_SEC = 3000;

    @ParameterizedTest
    @EnumSource(value = AcceleratorType.class, names = {"EDGETPU", "GPU"})
    void modelsAgreeWithTheSimulator(AcceleratorType type) {
        ProfileCatalog catalog = ScenarioReader.defaultCatalog();
        List<String> models = catalog.models().keySet().stream()
                .filter(m -> catalog.profile(m, type).isPresent()).sorted().toList();
        SplittableRandom random = new SplittableRandom(2026 + type.ordinal());
        List<Double> meanErrors = new ArrayList<>();
        List<Double> p95Errors = new ArrayList<>();
        StringBuilder worst = new StringBuilder();
        for (int mix = 0; mix < MIXES; mix++) {
            int apps = 1 + random.nextInt(6);
            double targetRho = 0.1 + 0.7 * random.nextDouble();
            List<String> chosen = new ArrayList<>();
            double[] weights = new double[apps];
            double weightSum = 0;
            for (int a = 0; a < apps; a++) {
                chosen.add(models.get(random.nextInt(models.size())));
                weights[a] = 0.2 + random.nextDouble();
                weightSum += weights[a];
            }
            // Rates that put ρ (swaps ignored) at the target; with swaps it is higher, so scale down until
            // the model's own utilisation is at most 0.8.
            double[] rates = new double[apps];
            for (int a = 0; a < apps; a++) {
                double serviceMs = catalog.profile(chosen.get(a), type).orElseThrow().serviceMs();
                rates[a] = targetRho * weights[a] / weightSum / serviceMs * 1000;
            }
            List<AppLoad> loads = loads(catalog, type, chosen, rates);
            double rho = LatencyModels.predict(type, loads, EndToEnd.NONE).utilization();
            if (rho > 0.8) {
                for (int a = 0; a < apps; a++) {
                    rates[a] *= 0.8 / rho;
                }
                loads = loads(catalog, type, chosen, rates);
            }
            var prediction = (AcceleratorPrediction.Stable) LatencyModels.predict(type, loads, EndToEnd.NONE);

            Map<String, double[]> observed = simulate(catalog, type, chosen, rates, 1000L + mix);
            for (int a = 0; a < apps; a++) {
                double[] sorted = observed.get("a" + a);
                double mean = Arrays.stream(sorted).average().orElseThrow();
                double p95 = sorted[(int) Math.ceil(0.95 * sorted.length) - 1];
                AppLatency predicted = prediction.apps().get(a);
                double meanError = Math.abs(predicted.meanMs() - mean) / mean;
                double p95Error = Math.abs(predicted.p95Ms() - p95) / p95;
                meanErrors.add(meanError);
                p95Errors.add(p95Error);
                if (p95Error > 0.10 || meanError > 0.06) {
                    worst.append(String.format("%nmix %d ρ=%.2f %s@%.2f/s: mean %.1f vs %.1f, p95 %.1f vs %.1f", mix,
                            prediction.utilization(), chosen.get(a), rates[a], predicted.meanMs(), mean, predicted.p95Ms(), p95));
                }
            }
        }
        double meanMape = 100 * meanErrors.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double p95Mape = 100 * p95Errors.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        String summary = String.format("%s: mean MAPE %.2f %%, p95 MAPE %.2f %% over %d apps%s", type, meanMape, p95Mape,
                meanErrors.size(), worst);
        System.err.println(summary);
        assertTrue(meanMape <= 3.0, summary);
        assertTrue(p95Mape <= 5.0, summary);
    }

    private static List<AppLoad> loads(ProfileCatalog catalog, AcceleratorType type, List<String> models, double[] rates) {
        List<AppLoad> loads = new ArrayList<>();
        for (int a = 0; a < models.size(); a++) {
            ModelProfile profile = catalog.profile(models.get(a), type).orElseThrow();
            // The variability the simulator draws from: the recorded spread for this service time.
            double cv = ServiceSpread.recorded().cv(profile.serviceMs(), false);
            loads.add(new AppLoad("a" + a, models.get(a), rates[a], profile.serviceMs(), profile.swapMs(), cv));
        }
        return loads;
    }

    private static Map<String, double[]> simulate(ProfileCatalog catalog, AcceleratorType type, List<String> models,
                                                  double[] rates, long seed) {
        StringBuilder yaml = new StringBuilder("name: mix\nnetworkMs: 0\nnodes:\n  - {node: n, memoryMb: 100000, acceleratorTypes: ["
                + type.id() + "], frontendServiceMs: 0}\napps:\n");
        for (int a = 0; a < models.size(); a++) {
            yaml.append(String.format("  - {app: a%d, model: %s, ratePerSec: %.6f, sloMs: 1000}%n", a, models.get(a), rates[a]));
        }
        Scenario scenario = ScenarioReader.parse(yaml.toString(), "mix");
        SimulatedCluster cluster = new SimulatedCluster(scenario, seed, 0, 0);
        Map<String, List<Double>> samples = new HashMap<>();
        double warmUpMs = 50_000;
        cluster.onCompletion((app, accelerator, latencyMs) -> {
            if (cluster.nowSec() * 1000 > warmUpMs) {
                samples.computeIfAbsent(app, k -> new ArrayList<>()).add(latencyMs);
            }
        });
        String device = scenario.nodes().get(0).acceleratorIds().get(0);
        for (int a = 0; a < models.size(); a++) {
            cluster.apply(new PlanStep.Place("a" + a, device));
        }
        for (int s = 0; s < SIMULATED_SEC; s++) {
            cluster.advanceWindow();
        }
        Map<String, double[]> sorted = new HashMap<>();
        samples.forEach((app, list) -> sorted.put(app, list.stream().mapToDouble(Double::doubleValue).sorted().toArray()));
        return sorted;
    }
}
