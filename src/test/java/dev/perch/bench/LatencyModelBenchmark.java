package dev.perch.bench;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.LatencyModels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One accelerator with 8 apps: mean, p50, p95 and p99 for every app, end to end (front end and
 * network included). Target: under 50 µs per evaluation, so a placement decision can afford
 * thousands of what-ifs. Run: {@code mvn -Pbench test-compile exec:exec}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LatencyModelBenchmark {
    @Param({"0.5", "0.8"})
    public double utilization;

    private List<AppLoad> tpuApps;
    private List<AppLoad> gpuApps;
    private final EndToEnd path = new EndToEnd(10, 20, 0.2);

    @org.openjdk.jmh.annotations.Setup
    public void setUp() {
        String[] models = {"mobilenet_v2", "inception_v4", "efficientnet-S", "efficientnet-M", "efficientnet-L",
                "mobilenet_v1", "inception_v3", "ssd_mobilenet_v2"};
        double[] service = {4.91, 125.13, 9.83, 15.85, 42.18, 4.55, 62.95, 19.23};
        double[] swap = {10.43, 19.43, 17.33, 22.63, 17.53, 15.12, 19.39, 24.63};
        tpuApps = scaled(models, service, swap, AcceleratorType.EDGETPU);
        double[] gpuService = {13.02, 29.41, 10.83, 13.89, 19.53, 30.56, 13.02, 10.83};
        gpuApps = scaled(models, gpuService, new double[8], AcceleratorType.GPU);
    }

    private List<AppLoad> scaled(String[] models, double[] service, double[] swap, AcceleratorType type) {
        double rate = 1;
        for (int attempt = 0; attempt < 60; attempt++) {
            double r = rate;
            List<AppLoad> apps = java.util.stream.IntStream.range(0, 8)
                    .mapToObj(i -> new AppLoad("app-" + i, models[i], r, service[i], swap[i], 0.1)).toList();
            double rho = LatencyModels.predict(type, apps, EndToEnd.NONE).utilization();
            if (Math.abs(rho - utilization) < 0.005) {
                return apps;
            }
            rate *= utilization / rho;
        }
        throw new IllegalStateException("cannot reach utilization " + utilization);
    }

    @Benchmark
    public AcceleratorPrediction edgeTpuEightApps() {
        return LatencyModels.predict(AcceleratorType.EDGETPU, tpuApps, path);
    }

    @Benchmark
    public AcceleratorPrediction gpuEightApps() {
        return LatencyModels.predict(AcceleratorType.GPU, gpuApps, path);
    }
}
