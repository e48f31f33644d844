package dev.perch.model.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded scenarios drawn from the profile catalog. {@code mixed}: the Ibis paper's mixed cluster — six
 * Raspberry Pi nodes with an Edge TPU and two Jetson Nano nodes with a GPU, 4 GB each, 40 apps of the
 * profiled models at 2–10 req/s (0.5–3 for Inception-V4), with mean SLOs of 200 / 400 / 600 ms for
 * small / medium / large models (fastest profiled service under 15 ms, under 30 ms, longer).
 */
public final class ScenarioGenerator {
    private ScenarioGenerator() {
    }

    public static Scenario mixed(long seed, ProfileCatalog catalog) {
        List<NodeSpec> nodes = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            nodes.add(new NodeSpec("pi-" + i, 4096, List.of(AcceleratorType.EDGETPU), 20));
        }
        for (int i = 1; i <= 2; i++) {
            nodes.add(new NodeSpec("nano-" + i, 4096, List.of(AcceleratorType.GPU), 24));
        }
        List<String> models = catalog.models().entrySet().stream()
                .filter(e -> e.getValue().containsKey(AcceleratorType.EDGETPU) || e.getValue().containsKey(AcceleratorType.GPU))
                .map(Map.Entry::getKey).sorted().toList();
        SplittableRandom random = new SplittableRandom(seed);
        List<AppSpec> apps = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            String model = models.get(random.nextInt(models.size()));
            double rate = model.equals("inception_v4") ? 0.5 + 2.5 * random.nextDouble() : 2 + 8 * random.nextDouble();
            double fastest = catalog.models().get(model).values().stream().mapToDouble(ModelProfile::serviceMs).min().orElseThrow();
            double slo = fastest < 15 ? 200 : fastest < 30 ? 400 : 600;
            apps.add(new AppSpec(String.format("app-%02d", i), model, Math.round(rate * 100) / 100.0, slo, SloStatistic.MEAN,
                    LoadTimeline.constant()));
        }
        return new Scenario("mixed", 10, nodes, catalog, apps, Scenario.DEFAULT_LENGTH_SEC);
    }
}
