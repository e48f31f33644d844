package dev.perch.model.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * Seeded scenarios drawn from the profile catalog, after the Ibis paper's evaluation: Raspberry Pi
 * nodes with an Edge TPU and Jetson Nano nodes with a GPU, 4 GB each; apps of the profiled models at
 * 2–10 req/s (0.5–3 for Inception-V4), with mean SLOs of 200 / 400 / 600 ms for small / medium /
 * large models (fastest profiled service under 15 ms, under 30 ms, longer). The seed draws each
 * app's model and rate; a drawn scenario is named after its generator and its seed, {@code NAME:SEED}
 * (e.g. {@code random:7}), which {@link ScenarioReader#load(String)} reads back.
 *
 * <ul>
 *   <li>{@code mixed}: the paper's cluster — 6 Edge TPU and 2 Jetson nodes, 40 apps;</li>
 *   <li>{@code edgetpu-only}: 8 Edge TPU nodes, 40 apps of the models profiled for it;</li>
 *   <li>{@code gpu-only}: 8 Jetson nodes, 40 apps of the models profiled for it;</li>
 *   <li>{@code mixed-100} and {@code mixed-1000}: 100 and 1,000 accelerators in the same 3 : 1 mix,
 *   with 10 apps per accelerator at a quarter of the rates, so most of them fit;</li>
 *   <li>{@code small}: a random small instance for the oracle — 1–2 Edge TPU nodes and 0–1 Jetson
 *   node (at least 2 devices), 4 apps per device and up to 4 more, so that not all of them fit.</li>
 *   <li>{@code random}: a cluster unlike the shipped ones, to check that a planner is general — 2–8
 *   Edge TPU and 1–4 Jetson nodes of 2, 4 or 8 GB with 15–30 ms front ends, a network of 5–20 ms,
 *   5–7 apps per device at 1–12 req/s (0.5–3 for Inception-V4), half of them with a p95 or p99 SLO
 *   of 1.5 or 2 times the tier's.</li>
 * </ul>
 */
public final class ScenarioGenerator {
    private static final double TPU_FRONTEND_MS = 20;
    private static final double GPU_FRONTEND_MS = 24;
    private static final double NODE_MEMORY_MB = 4096;

    private static final Map<String, BiFunction<Long, ProfileCatalog, Scenario>> GENERATED = new LinkedHashMap<>();

    static {
        GENERATED.put("mixed", (seed, catalog) -> draw("mixed", seed, catalog, 6, 2, 40, 1));
        GENERATED.put("edgetpu-only", (seed, catalog) -> draw("edgetpu-only", seed, catalog, 8, 0, 40, 1));
        GENERATED.put("gpu-only", (seed, catalog) -> draw("gpu-only", seed, catalog, 0, 8, 40, 1));
        GENERATED.put("mixed-100", (seed, catalog) -> draw("mixed-100", seed, catalog, 75, 25, 1000, 0.25));
        GENERATED.put("mixed-1000", (seed, catalog) -> draw("mixed-1000", seed, catalog, 750, 250, 10_000, 0.25));
        GENERATED.put("small", ScenarioGenerator::small);
        GENERATED.put("random", ScenarioGenerator::random);
    }

    private ScenarioGenerator() {
    }

    /** The names of the generated scenarios. */
    public static List<String> names() {
        return List.copyOf(GENERATED.keySet());
    }

    public static boolean generates(String name) {
        return GENERATED.containsKey(name);
    }

    public static Scenario generate(String name, long seed, ProfileCatalog catalog) {
        BiFunction<Long, ProfileCatalog, Scenario> generator = GENERATED.get(name);
        if (generator == null) {
            throw new IllegalArgumentException("no generated scenario '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        Scenario drawn = generator.apply(seed, catalog);
        return new Scenario(name + ":" + seed, drawn.networkMs(), drawn.nodes(), drawn.catalog(), drawn.apps(),
                drawn.lengthSec());
    }

    public static Scenario mixed(long seed, ProfileCatalog catalog) {
        return generate("mixed", seed, catalog);
    }

    private static Scenario small(long seed, ProfileCatalog catalog) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int tpus = 1 + random.nextInt(2);
        int gpus = random.nextInt(2);
        if (tpus + gpus < 2) {
            gpus = 1;
        }
        int apps = 4 * (tpus + gpus) + random.nextInt(5);
        return draw("small", random.nextLong(), catalog, tpus, gpus, apps, 1);
    }

    private static Scenario random(long seed, ProfileCatalog catalog) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x2545F4914F6CDD1DL);
        int tpus = 2 + random.nextInt(7);
        int gpus = 1 + random.nextInt(4);
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 1; i <= tpus; i++) {
            nodes.add(new NodeSpec("pi-" + i, pick(random, 2048, 4096, 8192), List.of(AcceleratorType.EDGETPU),
                    pick(random, 15, 20, 30)));
        }
        for (int i = 1; i <= gpus; i++) {
            nodes.add(new NodeSpec("nano-" + i, pick(random, 4096, 8192), List.of(AcceleratorType.GPU), pick(random, 20, 24)));
        }
        List<String> models = catalog.models().keySet().stream().sorted().toList();
        int appCount = (5 + random.nextInt(3)) * (tpus + gpus);
        List<AppSpec> apps = new ArrayList<>();
        for (int i = 1; i <= appCount; i++) {
            String model = models.get(random.nextInt(models.size()));
            double rate = model.equals("inception_v4") ? 0.5 + 2.5 * random.nextDouble() : 1 + 11 * random.nextDouble();
            double fastest = catalog.models().get(model).values().stream().mapToDouble(ModelProfile::serviceMs).min().orElseThrow();
            double tier = fastest < 15 ? 200 : fastest < 30 ? 400 : 600;
            SloStatistic statistic = switch (random.nextInt(4)) {
                case 2 -> SloStatistic.P95;
                case 3 -> SloStatistic.P99;
                default -> SloStatistic.MEAN;
            };
            double slo = statistic == SloStatistic.MEAN ? tier : tier * pick(random, 1.5, 2);
            apps.add(new AppSpec(String.format(Locale.ROOT, "app-%02d", i), model, Math.round(rate * 100) / 100.0, slo, statistic,
                    LoadTimeline.constant()));
        }
        return new Scenario("random", pick(random, 5, 10, 20), nodes, catalog, apps, Scenario.DEFAULT_LENGTH_SEC);
    }

    private static double pick(SplittableRandom random, double... values) {
        return values[random.nextInt(values.length)];
    }

    private static Scenario draw(String name, long seed, ProfileCatalog catalog, int edgeTpuNodes, int gpuNodes, int appCount,
                                 double rateScale) {
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 1; i <= edgeTpuNodes; i++) {
            nodes.add(new NodeSpec("pi-" + i, NODE_MEMORY_MB, List.of(AcceleratorType.EDGETPU), TPU_FRONTEND_MS));
        }
        for (int i = 1; i <= gpuNodes; i++) {
            nodes.add(new NodeSpec("nano-" + i, NODE_MEMORY_MB, List.of(AcceleratorType.GPU), GPU_FRONTEND_MS));
        }
        List<String> models = catalog.models().entrySet().stream()
                .filter(e -> (edgeTpuNodes > 0 && e.getValue().containsKey(AcceleratorType.EDGETPU))
                        || (gpuNodes > 0 && e.getValue().containsKey(AcceleratorType.GPU)))
                .map(Map.Entry::getKey).sorted().toList();
        SplittableRandom random = new SplittableRandom(seed);
        List<AppSpec> apps = new ArrayList<>();
        String format = appCount < 100 ? "app-%02d" : appCount < 1000 ? "app-%03d" : appCount < 10_000 ? "app-%04d" : "app-%05d";
        for (int i = 1; i <= appCount; i++) {
            String model = models.get(random.nextInt(models.size()));
            double rate = rateScale * (model.equals("inception_v4") ? 0.5 + 2.5 * random.nextDouble() : 2 + 8 * random.nextDouble());
            double fastest = catalog.models().get(model).values().stream().mapToDouble(ModelProfile::serviceMs).min().orElseThrow();
            double slo = fastest < 15 ? 200 : fastest < 30 ? 400 : 600;
            apps.add(new AppSpec(String.format(Locale.ROOT, format, i), model, Math.round(rate * 100) / 100.0, slo, SloStatistic.MEAN,
                    LoadTimeline.constant()));
        }
        return new Scenario(name, 10, nodes, catalog, apps, Scenario.DEFAULT_LENGTH_SEC);
    }
}
