package dev.perch.model.queueing;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.ScenarioReader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
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
        SplittableRandom random = new SplittableRandom(2026 + type.ordinal());
        List<Double> meanErrors = new ArrayList<>();
        List<Double> p95Errors = new ArrayList<>();
        StringBuilder worst = new StringBuilder();
        for (int mix = 0; mix < MIXES; mix++) {
            // The target is the swap-free utilisation; with swaps it is higher, so scale down until
            // the model's own utilisation is at most 0.8.
            SimulatedMix simulated = SimulatedMix.random(random, type, catalog, 6, 0);
            double rho = LatencyModels.predict(type, simulated.loads(catalog), EndToEnd.NONE).utilization();
            if (rho > 0.8) {
                simulated = simulated.scaled(0.8 / rho);
            }
            var prediction = (AcceleratorPrediction.Stable) LatencyModels.predict(type, simulated.loads(catalog), EndToEnd.NONE);

            Map<String, double[]> observed = simulated.simulate(1000L + mix, SIMULATED_SEC);
            for (int a = 0; a < simulated.models().size(); a++) {
                double[] sorted = observed.get("a" + a);
                double mean = Arrays.stream(sorted).average().orElseThrow();
                double p95 = SimulatedMix.percentile(sorted, 0.95);
                AppLatency predicted = prediction.apps().get(a);
                double meanError = Math.abs(predicted.meanMs() - mean) / mean;
                double p95Error = Math.abs(predicted.p95Ms() - p95) / p95;
                meanErrors.add(meanError);
                p95Errors.add(p95Error);
                if (p95Error > 0.10 || meanError > 0.06) {
                    worst.append(String.format("%nmix %d ρ=%.2f %s@%.2f/s: mean %.1f vs %.1f, p95 %.1f vs %.1f", mix,
                            prediction.utilization(), simulated.models().get(a), simulated.ratesPerSec()[a], predicted.meanMs(), mean, predicted.p95Ms(), p95));
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
}
