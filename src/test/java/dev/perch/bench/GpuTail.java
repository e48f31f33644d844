package dev.perch.bench;

import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.NodeSpec;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.LatencyModels;
import dev.perch.model.queueing.SlidingStatistic;
import dev.perch.model.queueing.WindowShares;
import dev.perch.model.queueing.WindowedStatistic;
import dev.perch.placement.PlacementPolicy;
import dev.perch.sim.ServiceSpread;
import dev.perch.sim.SimulatedCluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Issue 19, app-20 of {@code random:17}: the apps that shared its Jetson GPU in the live demo, as
 * the planner models them and as the simulator serves them on one accelerator, outside Kafka.
 * For each app: the model's steady-state p99 (end to end and on the device alone), its windowed p99
 * (mean, sd, share of 60 s windows over the SLO), against the simulator's per-request completions
 * ({@code addCompletionListener}) and its windowed p99 every simulated second — and the windowed p99
 * of the same requests shuffled in time (no correlation between requests in a window), which
 * separates the single-request tail from the congestion shared in a window.
 *
 * <pre>mvn -B -o -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.GpuTail \
 *     -Dbench="random:17 nano-1 app-02,app-15,app-20 3000 1"</pre>
 * Extra arguments: {@code scale=F} multiplies every rate (a utilisation grid on the same mix);
 * {@code frontend=MS} and {@code network=MS} replace the node's front end and the network;
 * {@code full} runs the whole scenario's apps as the demo builds them (the same random streams as
 * {@code demo --scenario random:17}, seed 1, which reproduces the live demo's sample path), only the
 * given apps placed; {@code -Dtrace=APP} prints that app's windows over 250 ms and every request over
 * 250 ms or with a work over three times its profile's.
 *
 * <pre>... -Dbench="grid 24 20000 0.3 0.5 0.63 0.7 0.85"</pre> runs the three models at equal rates
 * behind 24 ms front ends through {@code WindowShares}: the simulated share of 60 s windows over the
 * model's 1 % and 0.1 % thresholds for p95 and p99.
 */
public final class GpuTail {
    private GpuTail() {
    }

    public static void main(String[] arguments) {
        String[] args = arguments.length == 1 ? arguments[0].trim().split("\\s+") : arguments;
        if (args[0].equals("grid")) {
            grid(Double.parseDouble(args[1]), Integer.parseInt(args[2]), Arrays.copyOfRange(args, 3, args.length));
            return;
        }
        Scenario scenario = ScenarioReader.load(args[0]);
        String nodeId = args[1];
        List<String> ids = List.of(args[2].split(","));
        int judged = Integer.parseInt(args[3]);
        long seed = Long.parseLong(args[4]);
        double scale = 1;
        double frontendMs = Double.NaN;
        double networkMs = Double.NaN;
        boolean full = false;
        int placeAfter = 0;
        for (int i = 5; i < args.length; i++) {
            if (args[i].startsWith("scale=")) {
                scale = Double.parseDouble(args[i].substring(6));
            } else if (args[i].startsWith("frontend=")) {
                frontendMs = Double.parseDouble(args[i].substring(9));
            } else if (args[i].equals("full")) {
                full = true;
            } else if (args[i].startsWith("placeAfter=")) {
                placeAfter = Integer.parseInt(args[i].substring(11));
            } else if (args[i].startsWith("network=")) {
                networkMs = Double.parseDouble(args[i].substring(8));
            }
        }
        NodeSpec declared = scenario.nodes().stream().filter(n -> n.node().equals(nodeId)).findFirst().orElseThrow();
        NodeSpec node = Double.isNaN(frontendMs) ? declared
                : new NodeSpec(declared.node(), declared.memoryMb(), declared.acceleratorTypes(), frontendMs);
        if (!Double.isNaN(networkMs)) {
            scenario = new Scenario(scenario.name(), networkMs, scenario.nodes(), scenario.catalog(), scenario.apps(), scenario.lengthSec());
        }
        AcceleratorType type = node.acceleratorTypes().get(0);
        List<AppSpec> apps = new ArrayList<>();
        for (String id : ids) {
            apps.add(scenario.apps().stream().filter(a -> a.app().equals(id)).findFirst().orElseThrow());
        }
        System.out.printf(Locale.ROOT, "%s %s: type %s, networkMs %.1f, frontendServiceMs %.1f, rate scale %.2f%n", args[0], nodeId,
                type, scenario.networkMs(), node.frontendServiceMs(), scale);
        PlacementPolicy policy = PlacementPolicy.DEFAULT;
        List<AppLoad> planned = new ArrayList<>();
        List<AppLoad> truth = new ArrayList<>();
        for (AppSpec app : apps) {
            ModelProfile profile = scenario.catalog().profile(app.model(), type).orElseThrow();
            double rate = app.ratePerSec() * scale;
            double cv = ServiceSpread.recorded().cv(profile.serviceMs(), false);
            System.out.printf(Locale.ROOT, "  %s %s %.2f req/s, serviceMs %.2f (simulator's CV %.3f), SLO %s %.0f ms over %d s%n",
                    app.app(), app.model(), rate, profile.serviceMs(), cv, app.sloStatistic(), app.sloMs(), app.sloWindowSec());
            planned.add(new AppLoad(app.app(), app.model(), policy.plannedRatePerSec(rate), profile.serviceMs(), profile.swapMs(), 0));
            truth.add(new AppLoad(app.app(), app.model(), rate, profile.serviceMs(), profile.swapMs(), cv));
        }
        double frontendCv = ServiceSpread.recorded().cv(node.frontendServiceMs(), false);
        EndToEnd plannerPath = new EndToEnd(scenario.networkMs(), node.frontendServiceMs(), policy.frontendCv());
        EndToEnd truthPath = new EndToEnd(scenario.networkMs(), node.frontendServiceMs(), frontendCv);
        System.out.printf(Locale.ROOT, "frontend CV: planner %.2f, simulator's %.3f%n", policy.frontendCv(), frontendCv);

        Sim sim = simulate(scenario, node, type, apps, scale, judged, seed, full, placeAfter);
        for (int i = 0; i < apps.size(); i++) {
            AppSpec app = apps.get(i);
            System.out.printf(Locale.ROOT, "%n%s (%s, SLO %s %.0f ms / %d s)%n", app.app(), app.model(), app.sloStatistic(),
                    app.sloMs(), app.sloWindowSec());
            report("model as planned (rate +3 %, service CV 0, front-end CV 0.2)", type, planned, plannerPath, i, app);
            report("model with the simulator's inputs (rate, service and front-end CV)", type, truth, truthPath, i, app);
            double[] lat = sim.latencies.get(app.app()).stream().mapToDouble(Double::doubleValue).toArray();
            double[] dev = sim.device.get(app.app()).stream().mapToDouble(Double::doubleValue).toArray();
            double[] win = sim.windows.get(app.app()).stream().mapToDouble(Double::doubleValue).toArray();
            System.out.printf(Locale.ROOT, "  simulator: %d requests; end to end mean %.1f sd %.1f p50 %.1f p95 %.1f p99 %.1f p99.9 %.1f;"
                            + " on device mean %.1f sd %.1f p95 %.1f p99 %.1f%n",
                    lat.length, mean(lat), sd(lat), pct(lat, 0.5), pct(lat, 0.95), pct(lat, 0.99), pct(lat, 0.999), mean(dev), sd(dev),
                    pct(dev, 0.95), pct(dev, 0.99));
            System.out.printf(Locale.ROOT, "  simulator windowed %s over %d s: mean %.1f sd %.1f p99 %.1f p99.9 %.1f; over SLO in %.2f %% of %d judged s%n",
                    app.sloStatistic(), app.sloWindowSec(), mean(win), sd(win), pct(win, 0.99), pct(win, 0.999),
                    100 * over(win, app.sloMs()), win.length);
            // The same requests in a random order: windows of the same count without shared congestion.
            double[] shuffled = lat.clone();
            SplittableRandom random = new SplittableRandom(seed);
            for (int k = shuffled.length - 1; k > 0; k--) {
                int j = random.nextInt(k + 1);
                double t = shuffled[k];
                shuffled[k] = shuffled[j];
                shuffled[j] = t;
            }
            int n = (int) Math.round(app.ratePerSec() * scale * app.sloWindowSec());
            double q = app.sloStatistic() == SloStatistic.P99 ? 0.99 : app.sloStatistic() == SloStatistic.P95 ? 0.95 : 0.5;
            List<Double> iid = new ArrayList<>();
            for (int start = 0; start + n <= shuffled.length; start += n) {
                double[] w = Arrays.copyOfRange(shuffled, start, start + n);
                Arrays.sort(w);
                iid.add(w[(int) Math.ceil(q * n) - 1]);
            }
            double[] iidw = iid.stream().mapToDouble(Double::doubleValue).toArray();
            // Requests over the SLO, per disjoint window of the app's requests in completion order.
            long overSlo = Arrays.stream(lat).filter(v -> v > app.sloMs()).count();
            int per = (int) Math.round(app.ratePerSec() * scale * app.sloWindowSec());
            List<Double> counts = new ArrayList<>();
            for (int start = 0; start + per <= lat.length; start += per) {
                int c = 0;
                for (int k = start; k < start + per; k++) {
                    c += lat[k] > app.sloMs() ? 1 : 0;
                }
                counts.add((double) c);
            }
            double[] cs = counts.stream().mapToDouble(Double::doubleValue).toArray();
            System.out.printf(Locale.ROOT, "  simulator: P(latency > SLO) %.2e (%d requests); per window of %d: mean count %.3f, variance %.3f (dispersion %.1f),"
                            + " max %.0f; P(latency > 200, 250) %.2e %.2e%n",
                    (double) overSlo / lat.length, overSlo, per, mean(cs), sd(cs) * sd(cs), sd(cs) * sd(cs) / mean(cs),
                    Arrays.stream(cs).max().orElse(0), over(lat, 200), over(lat, 250));
            System.out.printf(Locale.ROOT, "  simulator, requests shuffled (independent windows of %d): mean %.1f sd %.1f; over SLO in %.2f %% of %d%n",
                    n, mean(iidw), sd(iidw), 100 * over(iidw, app.sloMs()), iidw.length);
        }
    }

    /**
     * The three models of app-20's GPU at equal rates ({@link WindowShares}), behind front ends of
     * {@code frontendMs}: per utilisation, app, p95 and p99 over 60 s, the share of simulated windows
     * over the thresholds the model puts 1 % and 0.1 % of windows over.
     */
    private static void grid(double frontendMs, int judged, String[] utilizations) {
        for (String u : utilizations) {
            double rho = Double.parseDouble(u);
            WindowShares.Mix mix = new WindowShares.Mix("GPU inception_v3 + resnet_34 + googlenet", AcceleratorType.GPU,
                    List.of("inception_v3", "resnet_34", "googlenet"), rho, frontendMs);
            for (WindowShares.Row row : WindowShares.measure(mix, WindowShares.tracks(new int[]{60}, SloStatistic.P95, SloStatistic.P99),
                    new double[]{0.01, 0.001}, judged, 7)) {
                System.out.printf(Locale.ROOT, "ρ %.2f, front end %.0f ms, %s (%s) %s over 60 s: model %.1f %% of windows over %.1f ms,"
                                + " simulated %.2f %%%n", rho, frontendMs, row.app(), mix.models().get(Integer.parseInt(row.app().substring(1))),
                        row.track().statistic(), 100 * row.predictedShare(), row.thresholdMs(), 100 * row.simulatedShare());
            }
        }
    }

    private static void report(String what, AcceleratorType type, List<AppLoad> loads, EndToEnd path, int i, AppSpec app) {
        AcceleratorPrediction prediction = LatencyModels.predict(type, loads, path);
        if (!(prediction instanceof AcceleratorPrediction.Stable stable)) {
            System.out.println("  " + what + ": unstable");
            return;
        }
        AppLatency latency = stable.apps().get(i);
        AppLatency device = ((AcceleratorPrediction.Stable) LatencyModels.predict(type, loads, EndToEnd.NONE)).apps().get(i);
        System.out.printf(Locale.ROOT, "  %s: ρ %.3f; end to end mean %.1f p95 %.1f p99 %.1f; on device mean %.1f p95 %.1f p99 %.1f%n",
                what, stable.utilization(), latency.meanMs(), latency.p95Ms(), latency.p99Ms(), device.meanMs(), device.p95Ms(),
                device.p99Ms());
        if (app.sloStatistic() != SloStatistic.MEAN) {
            WindowedStatistic window = latency.window(app.sloStatistic(), app.sloWindowSec());
            System.out.printf(Locale.ROOT, "    windowed %s: mean %.1f sd %.1f skew %.2f, 99 %% %.1f, 99.9 %% %.1f; over SLO in %.4f %% of windows%n",
                    app.sloStatistic(), window.meanMs(), Math.sqrt(window.varianceMs2()),
                    window.thirdMomentMs3() / Math.pow(window.varianceMs2(), 1.5), window.quantile(0.99), window.quantile(0.999),
                    100 * window.exceedance(app.sloMs()));
        }
    }

    private record Sim(Map<String, List<Double>> latencies, Map<String, List<Double>> device, Map<String, List<Double>> windows) {
    }

    private static Sim simulate(Scenario scenario, NodeSpec node, AcceleratorType type, List<AppSpec> apps, double scale, int judged,
                                long seed, boolean full, int placeAfter) {
        StringBuilder yaml = new StringBuilder(String.format(Locale.ROOT,
                "name: gpu-tail%nnetworkMs: %s%nnodes:%n  - {node: n, memoryMb: 100000, acceleratorTypes: [%s], frontendServiceMs: %s}%napps:%n",
                scenario.networkMs(), type.id(), node.frontendServiceMs()));
        for (AppSpec app : apps) {
            yaml.append(String.format(Locale.ROOT, "  - {app: %s, model: %s, ratePerSec: %.6f, sloMs: %s, sloStatistic: %s}%n",
                    app.app(), app.model(), app.ratePerSec() * scale, app.sloMs(), app.sloStatistic().name().toLowerCase(Locale.ROOT)));
        }
        // full: the whole scenario as the demo builds it (every app's random stream split in scenario
        // order, as in the demo with the same seed), only the given apps placed, on the given node.
        Scenario one = full ? scenario : ScenarioReader.parse(yaml.toString(), "gpu-tail");
        SimulatedCluster cluster = new SimulatedCluster(one, seed, 0, 0);
        int warmUp = apps.stream().mapToInt(AppSpec::sloWindowSec).max().orElse(60);
        Map<String, List<Double>> latencies = new HashMap<>();
        Map<String, List<Double>> device = new HashMap<>();
        Map<String, List<Double>> windows = new HashMap<>();
        Map<String, SlidingStatistic> sliding = new HashMap<>();
        for (AppSpec app : apps) {
            latencies.put(app.app(), new ArrayList<>());
            device.put(app.app(), new ArrayList<>());
            windows.put(app.app(), new ArrayList<>());
            sliding.put(app.app(), new SlidingStatistic(app.sloWindowSec(), app.sloStatistic()));
        }
        boolean[] warm = {false};
        cluster.addCompletionListener(c -> {
            sliding.get(c.app()).add(c.latencyMs());
            if (System.getProperty("trace") != null && (c.latencyMs() > 250 || c.serviceMs() > 3 * scenario.catalog()
                    .profile(c.model(), type).orElseThrow().serviceMs())) {
                System.out.printf(Locale.ROOT, "  request %s at %.3f s: latency %.1f, on device %.1f (work %.1f, sharing %.1f), before the device %.1f%n",
                        c.app(), c.completionEpochMs() / 1000, c.latencyMs(), c.serviceMs() + c.queueMs(), c.serviceMs(), c.queueMs(),
                        c.serviceStartEpochMs() - c.arrivalEpochMs());
            }
            if (warm[0]) {
                latencies.get(c.app()).add(c.latencyMs());
                device.get(c.app()).add(c.serviceMs() + c.queueMs());
            }
        });
        String accelerator = full ? node.acceleratorIds().get(0) : one.nodes().get(0).acceleratorIds().get(0);
        for (int s = 0; s < placeAfter; s++) {
            cluster.advanceWindow();
        }
        for (AppSpec app : apps) {
            cluster.apply(new PlanStep.Place(app.app(), accelerator));
        }
        for (int s = 0; s < warmUp + judged; s++) {
            warm[0] = s >= warmUp;
            cluster.advanceWindow();
            for (AppSpec app : apps) {
                double value = sliding.get(app.app()).endSecond();
                if (s >= warmUp) {
                    windows.get(app.app()).add(value);
                }
                if (System.getProperty("trace") != null && app.app().equals(System.getProperty("trace")) && s >= warmUp && value > 250) {
                    System.out.printf(Locale.ROOT, "  trace %s second %d: windowed %s %.1f%n", app.app(), s + 1 + placeAfter, app.sloStatistic(), value);
                }
            }
        }
        return new Sim(latencies, device, windows);
    }

    private static double mean(double[] x) {
        return Arrays.stream(x).average().orElse(Double.NaN);
    }

    private static double sd(double[] x) {
        double m = mean(x);
        return Math.sqrt(Arrays.stream(x).map(v -> (v - m) * (v - m)).average().orElse(Double.NaN));
    }

    private static double pct(double[] x, double p) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[Math.max(0, (int) Math.ceil(p * s.length) - 1)];
    }

    private static double over(double[] x, double threshold) {
        return (double) Arrays.stream(x).filter(v -> v > threshold).count() / x.length;
    }
}
