package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.Confidence;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.TelemetryReport;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How often the 95 % intervals the topology states hold the truth, on recordings from the
 * discrete-event simulator, whose truth is known: every app's Poisson arrival rate and its model's
 * mean service and swap time. Each run draws a cluster — Edge TPUs shared by two models, GPUs shared
 * by two apps — and its rates from its seed, simulates it, and feeds the simulator's telemetry
 * through the topology. The topology's catalog is off from the simulator's (service times 20 % longer,
 * swaps 30 % shorter), so that an interval holds the truth only because the data put it there.
 */
public final class ConfidenceCoverage {
    /** Tallies of intervals that held the truth, by parameter. */
    static final class Tally {
        final Map<String, int[]> heldOfTotal = new LinkedHashMap<>();

        /** An interval that cannot be stated (null) counts as one that missed. */
        /** Adds {@code other}'s counts, parameter by parameter. */
        void add(Tally other) {
            other.heldOfTotal.forEach((parameter, t) -> {
                int[] mine = heldOfTotal.computeIfAbsent(parameter, k -> new int[2]);
                mine[0] += t[0];
                mine[1] += t[1];
            });
        }

        void count(String parameter, Confidence.Interval interval, double truth) {
            int[] t = heldOfTotal.computeIfAbsent(parameter, k -> new int[2]);
            t[1]++;
            if (interval != null && interval.holds(truth)) {
                t[0]++;
            }
        }

        double coverage(String parameter) {
            int[] t = heldOfTotal.get(parameter);
            return t == null || t[1] == 0 ? Double.NaN : t[0] / (double) t[1];
        }

        String table() {
            StringBuilder out = new StringBuilder();
            heldOfTotal.forEach((parameter, t) -> out.append(String.format(Locale.ROOT, "%s %d of %d (%.1f %%)%n",
                    parameter, t[0], t[1], 100.0 * t[0] / t[1])));
            return out.toString();
        }
    }

    private static final String[][] EDGE_TPU_PAIRS = {{"mobilenet_v2", "inception_v4"}, {"ssd_mobilenet_v2", "mobilenet_v2"},
            {"inception_v3", "efficientnet-S"}};
    private static final String[][] GPU_PAIRS = {{"resnet_18", "googlenet"}, {"resnet_50", "mobilenet_v2"}};

    private ConfidenceCoverage() {
    }

    /** {@code FIRST_SEED SEEDS SECONDS}: the coverage table, and one JSON line last. */
    public static void main(String[] args) throws Exception {
        long first = args.length > 0 ? Long.parseLong(args[0]) : 1;
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 120;
        Tally tally = new Tally();
        run(first, seeds, seconds, tally);
        System.out.print(tally.table());
        StringBuilder json = new StringBuilder("{\"seeds\":" + seeds + ",\"seconds\":" + seconds);
        tally.heldOfTotal.forEach((parameter, t) -> json.append(String.format(Locale.ROOT, ",\"%s\":{\"held\":%d,\"of\":%d}",
                parameter, t[0], t[1])));
        System.out.println(json.append('}'));
    }

    /** Simulates seeds {@code firstSeed} … for {@code seconds} each and counts into {@code tally}; rate and time per parameter. */
    static void run(long firstSeed, int seeds, int seconds, Tally tally) throws Exception {
        ProfileCatalog truth = ScenarioReader.defaultCatalog();
        ProfileCatalog prior = skewed(truth);
        // The seeds are independent (each its own simulator and topology, in its own state directory):
        // run side by side, and their tallies added in seed order.
        List<Tally> bySeed = java.util.stream.LongStream.range(firstSeed, firstSeed + seeds).parallel().mapToObj(seed -> {
            Tally one = new Tally();
            try {
                runSeed(seed, seconds, truth, prior, one);
            } catch (Exception e) {
                throw new IllegalStateException("coverage seed " + seed, e);
            }
            return one;
        }).toList();
        bySeed.forEach(tally::add);
    }

    private static void runSeed(long seed, int seconds, ProfileCatalog truth, ProfileCatalog prior, Tally tally)
            throws Exception {
        Scenario scenario = ScenarioReader.parse(scenario(seed, seconds, truth), "coverage seed " + seed);
        SimulatedCluster cluster = new SimulatedCluster(scenario, seed, TopologyFixture.T0, 0);
        Map<String, PredictionRecord.AppPrediction> last = new LinkedHashMap<>();
        Map<String, String> acceleratorType = new LinkedHashMap<>();
        try (TopologyFixture fx = new TopologyFixture(TopologySettings.defaults(prior))) {
            for (int s = 0; s < seconds; s++) {
                for (TelemetryReport report : cluster.advanceWindow()) {
                    fx.send(report);
                    acceleratorType.put(report.app(), report.acceleratorType());
                }
            }
            for (String value : fx.predictions.readValuesToList()) {
                for (PredictionRecord.AppPrediction app : Json.read(value, PredictionRecord.class).apps()) {
                    last.put(app.app(), app);
                }
            }
        }
        for (var spec : scenario.apps()) {
            PredictionRecord.AppPrediction learned = last.get(spec.app());
            AcceleratorType type = AcceleratorType.parse(acceleratorType.get(spec.app()));
            ModelProfile profile = truth.profile(spec.model(), type).orElseThrow();
            Confidence c = learned == null ? null : learned.confidence();
            Confidence.Rate rate = c == null ? null : c.rate();
            Confidence.Service service = c == null ? null : c.service();
            if (Boolean.getBoolean("coverage.cases") && rate != null && service != null) {
                // Every case, to see which miss: -Dcoverage.cases=true.
                System.err.printf(Locale.ROOT, "seed %d %s %s on %s: rate %.3f ± %.3f (truth %.3f), S %.3f ± %s (%.3f), O %.3f ± %s (%.3f)%n",
                        seed, spec.app(), spec.model(), type.id(), learned.ratePerSec(), rate.stdErrPerSec(),
                        spec.ratePerSec(), learned.serviceMs(), service.serviceStdErrMs(), profile.serviceMs(),
                        learned.swapMs(), service.swapStdErrMs(), profile.swapMs());
            }
            tally.count("ratePerSec", rate == null ? null : Confidence.interval95(learned.ratePerSec(), rate.stdErrPerSec()),
                    spec.ratePerSec());
            tally.count("serviceMs (" + type.id() + ")", service == null ? null
                    : Confidence.interval95(learned.serviceMs(), service.serviceStdErrMs()), profile.serviceMs());
            if (type == AcceleratorType.EDGETPU) {
                tally.count("swapMs (edgetpu)", service == null ? null
                        : Confidence.interval95(learned.swapMs(), service.swapStdErrMs()), profile.swapMs());
            }
        }
    }

    /**
     * Two Edge TPUs and a GPU, each shared by two apps placed from the start, at rates drawn from the
     * seed for a utilisation of 0.15–0.6 between them (a queue past capacity completes fewer requests
     * than arrive, and its rate is not the arrivals').
     */
    private static String scenario(long seed, int seconds, ProfileCatalog truth) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder apps = new StringBuilder();
        int n = 0;
        for (int i = 0; i < 2; i++) {
            String[] pair = EDGE_TPU_PAIRS[random.nextInt(EDGE_TPU_PAIRS.length)];
            String on = "tpu-" + i + "/tpu0";
            apps.append(app(n++, pair[0], rate(truth, pair[0], AcceleratorType.EDGETPU, 0.1 + random.nextDouble() * 0.3), on));
            apps.append(app(n++, pair[1], rate(truth, pair[1], AcceleratorType.EDGETPU, 0.05 + random.nextDouble() * 0.15), on));
        }
        String[] pair = GPU_PAIRS[random.nextInt(GPU_PAIRS.length)];
        apps.append(app(n++, pair[0], rate(truth, pair[0], AcceleratorType.GPU, 0.1 + random.nextDouble() * 0.2), "gpu-0/gpu0"));
        apps.append(app(n, pair[1], rate(truth, pair[1], AcceleratorType.GPU, 0.05 + random.nextDouble() * 0.2), "gpu-0/gpu0"));
        return "name: coverage\nlengthSec: " + seconds + "\nnodes:\n"
                + "  - {node: tpu-0, memoryMb: 4096, acceleratorTypes: [edgetpu]}\n"
                + "  - {node: tpu-1, memoryMb: 4096, acceleratorTypes: [edgetpu]}\n"
                + "  - {node: gpu-0, memoryMb: 8192, acceleratorTypes: [gpu]}\n"
                + "apps:\n" + apps;
    }

    /** The rate at which the model keeps the accelerator busy {@code utilization} of the time (swaps aside). */
    private static double rate(ProfileCatalog truth, String model, AcceleratorType type, double utilization) {
        return utilization / (truth.profile(model, type).orElseThrow().serviceMs() / 1000);
    }

    private static String app(int n, String model, double ratePerSec, String runningOn) {
        return String.format(Locale.ROOT, "  - {app: app-%d, model: %s, ratePerSec: %.3f, sloMs: 10000, sloStatistic: mean, runningOn: %s}%n", n, model,
                ratePerSec, runningOn);
    }

    private static ProfileCatalog skewed(ProfileCatalog truth) {
        Map<String, Map<AcceleratorType, ModelProfile>> models = new LinkedHashMap<>();
        truth.models().forEach((model, byType) -> {
            Map<AcceleratorType, ModelProfile> skewed = new EnumMap<>(AcceleratorType.class);
            byType.forEach((type, p) -> skewed.put(type, new ModelProfile(p.serviceMs() * 1.2, p.swapMs() * 0.7,
                    p.memoryMb(), "skewed for the coverage check")));
            models.put(model, skewed);
        });
        return new ProfileCatalog(models);
    }
}
