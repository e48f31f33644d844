package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.LatencyModels;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The propagated standard error of a predicted latency against the delta method done in full: every
 * partial derivative of the full latency models taken numerically, Var(L) = Σ (∂L/∂θ)²·Var(θ) over
 * every app's rate, service and swap time.
 */
class LatencyUncertaintyTest {
    /** Central differences, each parameter moved by this share of itself. */
    private static final double STEP = 1e-4;

    private record Parameters(String app, String model, double ratePerSec, double serviceMs, double swapMs,
                              double serviceCv, double rateStdErr, double serviceStdErr, double swapStdErr) {
        AppLoad load() {
            return new AppLoad(app, model, ratePerSec, serviceMs, swapMs, serviceCv);
        }
    }

    @Test
    void anEdgeTpuSharedByTwoModelsAtLowAndHighLoad() {
        for (double inceptionRate : new double[]{0.8, 3.0}) {
            compare(AcceleratorType.EDGETPU, List.of(
                    new Parameters("inc", "inception_v4", inceptionRate, 125.1, 19.6, 0.025, 0.1, 0.8, 2.0),
                    new Parameters("mob", "mobilenet_v2", 16.5, 5.0, 12.7, 0.25, 0.3, 0.03, 0.4)));
        }
    }

    @Test
    void aGpuSharedByThreeApps() {
        compare(AcceleratorType.GPU, List.of(
                new Parameters("a", "resnet_18", 20, 10.8, 0, 0.1, 0.5, 0.2, 0),
                new Parameters("b", "googlenet", 15, 13.9, 0, 0.1, 0.4, 0.3, 0),
                new Parameters("c", "resnet_34", 10, 19.5, 0, 0.1, 0.3, 0.4, 0)));
    }

    private static void compare(AcceleratorType type, List<Parameters> apps) {
        EndToEnd path = new EndToEnd(10, 3, 0.5);
        List<AppLoad> loads = apps.stream().map(Parameters::load).toList();
        AcceleratorPrediction.Stable now = (AcceleratorPrediction.Stable) LatencyModels.predict(type, loads, path);
        List<Predictions.Modelled> modelled = new ArrayList<>();
        for (Parameters p : apps) {
            var history = new AcceleratorState.AppHistory(p.app(), p.model(), List.of(), Learned.EMPTY,
                    AlertHysteresis.Tracker.INITIAL, null);
            modelled.add(new Predictions.Modelled(history, new Learning.Rate(p.ratePerSec(), 0, p.rateStdErr(), Double.NaN, 0, 0),
                    new Learning.Service(p.serviceMs(), p.swapMs(), p.serviceCv(), "learned", p.serviceStdErr(),
                            p.swapStdErr(), Double.NaN, 0, 0), new Learning.Bias(1, Double.NaN, 0)));
        }
        LatencyUncertainty uncertainty = LatencyUncertainty.of(type, modelled, now);
        StringBuilder table = new StringBuilder();
        double worstMean = 1;
        double worstPercentile = 1;
        for (int j = 0; j < apps.size(); j++) {
            for (SloStatistic statistic : List.of(SloStatistic.MEAN, SloStatistic.P95, SloStatistic.P99)) {
                double exact = Math.sqrt(fullDeltaVariance(type, apps, path, j, l -> l.statistic(statistic)));
                AppLatency latency = now.apps().get(j);
                double approximate = uncertainty.standardErrorMs(modelled.get(j), latency, statistic);
                table.append(String.format(java.util.Locale.ROOT, "%n%s %.2f ms: ±%.3f propagated, ±%.3f in full",
                        apps.get(j).app(), latency.statistic(statistic), approximate, exact));
                double off = Math.max(approximate / exact, exact / approximate);
                if (statistic == SloStatistic.MEAN) {
                    worstMean = Math.max(worstMean, off);
                } else {
                    worstPercentile = Math.max(worstPercentile, off);
                }
            }
        }
        System.err.println(type.name() + table);
        assertTrue(worstMean <= 1.25, "means within 25 % of the full delta method:" + table);
        // A light app's far tail on an Edge TPU is a wait for one heavy neighbour's service, which the
        // load moves less than its mean: propagated, it comes out up to 1.7 times the full one.
        assertTrue(worstPercentile <= 2, "percentiles within a factor 2 of the full delta method:" + table);
    }

    private static double fullDeltaVariance(AcceleratorType type, List<Parameters> apps, EndToEnd path, int j,
                                            ToDoubleFunction<AppLatency> statistic) {
        double variance = 0;
        for (int i = 0; i < apps.size(); i++) {
            Parameters p = apps.get(i);
            for (int parameter = 0; parameter < 3; parameter++) {
                double value = parameter == 0 ? p.ratePerSec() : parameter == 1 ? p.serviceMs() : p.swapMs();
                double error = parameter == 0 ? p.rateStdErr() : parameter == 1 ? p.serviceStdErr() : p.swapStdErr();
                if (value == 0 || error == 0) {
                    continue;
                }
                double h = value * STEP;
                double up = latency(type, apps, path, i, parameter, value + h, j, statistic);
                double down = latency(type, apps, path, i, parameter, value - h, j, statistic);
                double derivative = (up - down) / (2 * h);
                variance += derivative * derivative * error * error;
            }
        }
        return variance;
    }

    private static double latency(AcceleratorType type, List<Parameters> apps, EndToEnd path, int i, int parameter,
                                  double value, int j, ToDoubleFunction<AppLatency> statistic) {
        List<AppLoad> loads = new ArrayList<>();
        for (int k = 0; k < apps.size(); k++) {
            AppLoad l = apps.get(k).load();
            if (k == i) {
                l = new AppLoad(l.app(), l.model(), parameter == 0 ? value : l.ratePerSec(),
                        parameter == 1 ? value : l.serviceMs(), parameter == 2 ? value : l.swapMs(), l.serviceCv());
            }
            loads.add(l);
        }
        var prediction = (AcceleratorPrediction.Stable) LatencyModels.predict(type, loads, path);
        return statistic.applyAsDouble(prediction.apps().get(j));
    }
}
