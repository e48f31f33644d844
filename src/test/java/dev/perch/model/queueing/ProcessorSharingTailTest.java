package dev.perch.model.queueing;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.ServiceSpread;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A GPU's apps behind their front ends, end to end, against the discrete-event simulator (which
 * never calls the models): on seeded random mixes of the catalog's GPU models at utilisations 0.1–0.8
 * behind 24 ms front ends (the simulator's recorded service spread on both), the share of each app's
 * simulated requests over its predicted p95 and p99 must be 5 % and 1 % on average, within a
 * quarter of each. One gamma fitted to the sum of the front end and the device (the model before
 * the two were convolved) fails it: its p99 is too low, 1.47 % of requests over it on average.
 */
class ProcessorSharingTailTest {
    private static final int MIXES = 20;
    private static final double SIMULATED_SEC = 2000;
    private static final double FRONTEND_MS = 24;

    @Test
    void behindFrontEndsTheShareOverEachPredictedPercentileIsItsLevel() {
        ProfileCatalog catalog = ScenarioReader.defaultCatalog();
        SplittableRandom random = new SplittableRandom(4242);
        EndToEnd path = new EndToEnd(0, FRONTEND_MS, ServiceSpread.recorded().cv(FRONTEND_MS, false));
        List<String> lines = new ArrayList<>();
        double over95 = 0;
        double over99 = 0;
        for (int mix = 0; mix < MIXES; mix++) {
            SimulatedMix simulated = SimulatedMix.random(random, AcceleratorType.GPU, catalog, 4, FRONTEND_MS);
            var prediction = (AcceleratorPrediction.Stable) LatencyModels.predict(AcceleratorType.GPU, simulated.loads(catalog),
                    path);
            var observed = simulated.simulate(2000L + mix, SIMULATED_SEC);
            for (int a = 0; a < simulated.models().size(); a++) {
                double[] latencies = observed.get("a" + a);
                AppLatency predicted = prediction.apps().get(a);
                double share95 = WindowedSeries.shareOver(latencies, predicted.p95Ms());
                double share99 = WindowedSeries.shareOver(latencies, predicted.p99Ms());
                over95 += share95;
                over99 += share99;
                lines.add(String.format(Locale.ROOT, "ρ %.2f %s: over p95 %.1f ms %.2f %%, over p99 %.1f ms %.2f %% (simulated p99 %.1f ms)",
                        prediction.utilization(), simulated.models().get(a), predicted.p95Ms(), 100 * share95, predicted.p99Ms(),
                        100 * share99, SimulatedMix.percentile(latencies, 0.99)));
            }
        }
        over95 /= lines.size();
        over99 /= lines.size();
        String summary = String.format(Locale.ROOT, "%d apps: on average %.2f %% of requests over the predicted p95, %.2f %% over the p99%n%s",
                lines.size(), 100 * over95, 100 * over99, String.join("\n", lines));
        System.err.println(summary);
        assertTrue(over95 >= 0.0375 && over95 <= 0.0625, summary);
        assertTrue(over99 >= 0.0075 && over99 <= 0.0125, summary);
    }
}
