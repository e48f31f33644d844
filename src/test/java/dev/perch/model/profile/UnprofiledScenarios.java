package dev.perch.model.profile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Scenarios with a model nobody profiled, drawn from a seed, for tests that must not rest on the
 * shipped {@code unprofiled} scenario: {@code edgeTpus} Raspberry Pi nodes with an Edge TPU and
 * {@code gpus} Jetson nodes with a GPU; a few light apps of the default catalog's models already
 * running; and per accelerator type of the cluster one {@code profiled: false} model
 * ({@code fresh-edgetpu}, {@code fresh-gpu}) with one app that may run on that type only and waits
 * to be placed. The new models' figures are drawn within the ranges of the measured models of the
 * Ibis work (the default catalog's: Edge TPU service 4.55–125.13 ms and swap 10.43–24.63 ms, 100 MB;
 * Jetson GPU service 10.83–30.56 ms, 700–1130 MB, no swap).
 *
 * <p>{@link Start#IDLE}: one accelerator of each type (drawn) runs nothing at the start, for a
 * probation to take; {@link Start#BUSY}: every accelerator runs an app, so one must be made idle
 * first. The profiled apps are light (each keeps its accelerator 5–15 % busy at the start, two at
 * most on one; no app keeps its front end more than 40 % busy) and their SLOs the generated scenarios' tiers (mean 200 / 400 / 600 ms), so that the
 * apps of two accelerators fit on one and making room is possible.
 *
 * <p>Every scenario is written with {@link ScenarioWriter} and read back with {@link ScenarioReader},
 * as a scenario file Perch did not ship is: {@link Generated#read()} is what a test runs,
 * {@link Generated#writeTo(Path)} the file for {@code demo --scenario FILE}.
 */
public final class UnprofiledScenarios {
    /** Whether an accelerator of each type is idle at the start. */
    public enum Start { IDLE, BUSY }

    /** The scenario as drawn, its YAML, and the YAML read back. */
    public record Generated(Scenario drawn, String yaml, Scenario read) {
        public Path writeTo(Path file) throws IOException {
            return java.nio.file.Files.writeString(file, yaml);
        }
    }

    static final double TPU_SERVICE_MIN_MS = 4.55;
    static final double TPU_SERVICE_MAX_MS = 125.13;
    static final double TPU_SWAP_MIN_MS = 10.43;
    static final double TPU_SWAP_MAX_MS = 24.63;
    static final double TPU_MEMORY_MB = 100;
    static final double GPU_SERVICE_MIN_MS = 10.83;
    static final double GPU_SERVICE_MAX_MS = 30.56;
    static final double GPU_MEMORY_MIN_MB = 700;
    static final double GPU_MEMORY_MAX_MB = 1130;
    private static final double NETWORK_MS = 10;
    private static final Map<AcceleratorType, Double> FRONTEND_MS = Map.of(AcceleratorType.EDGETPU, 20.0, AcceleratorType.GPU, 24.0);
    public static final double DEFAULT_LENGTH_SEC = 240;

    private UnprofiledScenarios() {
    }

    public static Generated generate(long seed, int edgeTpus, int gpus, Start start) {
        return generate(seed, edgeTpus, gpus, start, DEFAULT_LENGTH_SEC);
    }

    /**
     * @throws IllegalArgumentException for a cluster without accelerators, or one where {@link Start#IDLE}
     *                                  leaves no accelerator for the profiled apps
     */
    public static Generated generate(long seed, int edgeTpus, int gpus, Start start, double lengthSec) {
        if (edgeTpus < 0 || gpus < 0 || edgeTpus + gpus == 0) {
            throw new IllegalArgumentException("needs accelerators, got " + edgeTpus + " Edge TPUs and " + gpus + " GPUs");
        }
        int types = (edgeTpus > 0 ? 1 : 0) + (gpus > 0 ? 1 : 0);
        if (start == Start.IDLE && edgeTpus + gpus <= types) {
            throw new IllegalArgumentException("with an idle accelerator of each type, " + edgeTpus + " Edge TPUs and " + gpus
                    + " GPUs leave none for the profiled apps");
        }
        SplittableRandom random = new SplittableRandom(seed);
        ProfileCatalog catalog = ScenarioReader.defaultCatalog();
        List<NodeSpec> nodes = new ArrayList<>();
        Map<AcceleratorType, List<String>> accelerators = new EnumMap<>(AcceleratorType.class);
        for (int i = 1; i <= edgeTpus; i++) {
            nodes.add(node("pi-" + i, AcceleratorType.EDGETPU, accelerators));
        }
        for (int i = 1; i <= gpus; i++) {
            nodes.add(node("nano-" + i, AcceleratorType.GPU, accelerators));
        }
        Map<String, Map<AcceleratorType, ModelProfile>> fresh = new LinkedHashMap<>();
        List<AppSpec> apps = new ArrayList<>();
        for (Map.Entry<AcceleratorType, List<String>> byType : accelerators.entrySet()) {
            AcceleratorType type = byType.getKey();
            List<String> ids = byType.getValue();
            int idle = start == Start.IDLE ? random.nextInt(ids.size()) : -1;
            List<String> models = catalog.models().keySet().stream().filter(m -> catalog.profile(m, type).isPresent())
                    .sorted().toList();
            boolean second = true;
            for (int a = 0; a < ids.size(); a++) {
                if (a == idle) {
                    continue;
                }
                int count = second ? 2 : 1; // the first busy accelerator of a type carries two apps
                second = false;
                for (int k = 0; k < count; k++) {
                    String model = models.get(random.nextInt(models.size()));
                    apps.add(profiledApp(String.format(Locale.ROOT, "app-%02d", apps.size() + 1), model, type,
                            catalog.profile(model, type).orElseThrow(), ids.get(a), random));
                }
            }
            String model = "fresh-" + type.id();
            ModelProfile figures = figures(type, random);
            fresh.put(model, Map.of(type, figures));
            apps.add(freshApp("new-" + type.id(), model, type, figures, random));
        }
        Scenario drawn = new Scenario("unprofiled-" + start.name().toLowerCase(Locale.ROOT) + ":" + seed, NETWORK_MS, nodes,
                catalog, apps, lengthSec, new ProfileCatalog(fresh));
        String yaml = ScenarioWriter.write(drawn);
        return new Generated(drawn, yaml, ScenarioReader.parse(yaml, drawn.name()));
    }

    private static NodeSpec node(String name, AcceleratorType type, Map<AcceleratorType, List<String>> accelerators) {
        NodeSpec node = new NodeSpec(name, 4096, List.of(type), FRONTEND_MS.get(type));
        accelerators.computeIfAbsent(type, t -> new ArrayList<>()).addAll(node.acceleratorIds());
        return node;
    }

    /** Service log-uniform over the measured range (it spans a factor of 27 on the Edge TPU); the rest uniform. */
    private static ModelProfile figures(AcceleratorType type, SplittableRandom random) {
        String source = "drawn for a test within the Ibis models' measured ranges";
        if (type == AcceleratorType.EDGETPU) {
            return new ModelProfile(round(logUniform(random, TPU_SERVICE_MIN_MS, TPU_SERVICE_MAX_MS)),
                    round(TPU_SWAP_MIN_MS + random.nextDouble() * (TPU_SWAP_MAX_MS - TPU_SWAP_MIN_MS)), TPU_MEMORY_MB, source);
        }
        return new ModelProfile(round(logUniform(random, GPU_SERVICE_MIN_MS, GPU_SERVICE_MAX_MS)), 0,
                Math.round(GPU_MEMORY_MIN_MB + random.nextDouble() * (GPU_MEMORY_MAX_MB - GPU_MEMORY_MIN_MB)), source);
    }

    /** 5–15 % of its accelerator at the start, a mean SLO of the generated scenarios' tier for its model. */
    private static AppSpec profiledApp(String app, String model, AcceleratorType type, ModelProfile profile, String runningOn,
                                       SplittableRandom random) {
        double rate = Math.max(0.1, frontEndBound(type, round((0.05 + 0.1 * random.nextDouble()) * 1000 / profile.serviceMs())));
        double slo = profile.serviceMs() < 15 ? 200 : profile.serviceMs() < 30 ? 400 : 600;
        return new AppSpec(app, model, rate, slo, SloStatistic.MEAN, LoadTimeline.constant(), runningOn);
    }

    /**
     * 20–30 % of an accelerator alone (less for a model so fast its front end bounds it), so that probation has requests to learn from and the app can
     * share afterwards; a mean SLO of four times its latency alone with a swap before every request
     * (front end, network, service and swap), rounded up to 50 ms and at least 200 ms: met alone, and
     * beside a light app.
     */
    private static AppSpec freshApp(String app, String model, AcceleratorType type, ModelProfile figures,
                                    SplittableRandom random) {
        double rate = frontEndBound(type, round((0.2 + 0.1 * random.nextDouble()) * 1000 / figures.serviceMs()));
        double alone = FRONTEND_MS.get(type) + NETWORK_MS + figures.serviceMs() + figures.swapMs();
        double slo = Math.max(200, Math.ceil(4 * alone / 50) * 50);
        return new AppSpec(app, model, rate, slo, SloStatistic.MEAN, LoadTimeline.constant()).withAcceleratorTypes(Set.of(type));
    }

    /** At most 40 % of the app's own front end (decode and resize on the node's CPU), which a fast model would swamp. */
    private static double frontEndBound(AcceleratorType type, double ratePerSec) {
        return Math.min(ratePerSec, Math.floor(0.4 * 1000 / FRONTEND_MS.get(type) * 100) / 100);
    }

    private static double logUniform(SplittableRandom random, double min, double max) {
        return Math.exp(Math.log(min) + random.nextDouble() * (Math.log(max) - Math.log(min)));
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
