package dev.perch.kubernetes;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ClusterNode;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.LoadTimeline;
import dev.perch.model.profile.NodeSpec;
import dev.perch.model.profile.SloStatistic;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How Perch reads a Kubernetes cluster, documented for the people who label their nodes:
 * <ul>
 *   <li>{@value #ACCELERATOR_TYPE} on a node: {@code edgetpu}, {@code gpu} or {@code cpu} — nodes
 *   without it are not Perch's;</li>
 *   <li>{@value #ACCELERATOR_COUNT} (optional, default 1): how many accelerators of that type;</li>
 *   <li>{@value #FRONTEND_SERVICE_MS} annotation (optional, default {@value #DEFAULT_FRONTEND_MS}):
 *   the mean time an app's front end takes per request on that node;</li>
 *   <li>memory: the node's {@code status.capacity.memory}, less what Perch's node agent takes when it
 *   runs there ({@code perch.agent.enabled}, {@code perch.agent.memory-mb}): the agent's DaemonSet
 *   runs on the labelled nodes, and its memory is no more the apps' than the kubelet's is.</li>
 * </ul>
 * Accelerator ids are {@code <node>/<tpu|gpu|cpu><index>}, as everywhere in Perch. An
 * {@link InferenceApp} becomes an app when its spec is complete, whether or not its model is in the
 * catalog (an unprofiled model's app is placed on probation); otherwise {@link #invalidReason} says
 * why, for its status.
 */
public final class Inventory {
    public static final String ACCELERATOR_TYPE = "perch.dev/accelerator-type";
    public static final String ACCELERATOR_COUNT = "perch.dev/accelerator-count";
    public static final String FRONTEND_SERVICE_MS = "perch.dev/frontend-service-ms";
    static final double DEFAULT_FRONTEND_MS = 20;

    private Inventory() {
    }

    /** The node as Perch sees it, or empty when it carries no (valid) accelerator label. */
    static Optional<ClusterNode> node(Node node) {
        return node(node, 0);
    }

    /**
     * The node as Perch sees it with {@code agentMemoryMb} of its memory taken by Perch's node agent
     * (0 when no agent runs), or empty when it carries no (valid) accelerator label.
     */
    static Optional<ClusterNode> node(Node node, double agentMemoryMb) {
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        Optional<AcceleratorType> type = AcceleratorType.fromId(labels.getOrDefault(ACCELERATOR_TYPE, ""));
        if (type.isEmpty() || notReady(node)) {
            return Optional.empty();
        }
        int count = parseInt(labels.get(ACCELERATOR_COUNT), 1);
        Map<String, String> annotations = node.getMetadata().getAnnotations() == null ? Map.of()
                : node.getMetadata().getAnnotations();
        double frontendMs = parseDouble(annotations.get(FRONTEND_SERVICE_MS), DEFAULT_FRONTEND_MS);
        String name = node.getMetadata().getName();
        List<AcceleratorType> types = Collections.nCopies(Math.max(1, count), type.get());
        NodeSpec spec = new NodeSpec(name, Math.max(0, memoryMb(node) - agentMemoryMb), types, frontendMs);
        List<Accelerator> accelerators = new ArrayList<>();
        for (String id : spec.acceleratorIds()) {
            accelerators.add(new Accelerator(id, name, type.get()));
        }
        return Optional.of(new ClusterNode(name, spec.memoryMb(), frontendMs, accelerators));
    }

    /**
     * Whether the node says it is not Ready ({@code Ready} is {@code False}, or {@code Unknown}: its
     * kubelet stopped posting, for 40 s by default). Its pods are lost or about to be — Kubernetes
     * would evict them only after 5 minutes, and a Deployment pinned to the node cannot run them
     * elsewhere — so its apps are placed again elsewhere and no move goes there. A node that reports
     * no {@code Ready} condition at all is taken at its word (the tests' mock API server has none).
     */
    static boolean notReady(Node node) {
        return node.getStatus() != null && node.getStatus().getConditions() != null && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && !"True".equals(c.getStatus()));
    }

    private static double memoryMb(Node node) {
        Quantity memory = node.getStatus() == null || node.getStatus().getCapacity() == null ? null
                : node.getStatus().getCapacity().get("memory");
        if (memory == null) {
            return 0;
        }
        return Quantity.getAmountInBytes(memory).doubleValue() / (1024 * 1024);
    }

    /**
     * Why an InferenceApp cannot be planned for, in one line; empty when it can. A model missing from
     * the catalog, or profiled for none of the app's accelerator types, is no reason: the app goes on
     * probation, alone on an accelerator, while Perch learns the model's profile.
     */
    static Optional<String> invalidReason(InferenceApp app) {
        InferenceAppSpec spec = app.getSpec();
        if (spec == null) {
            return Optional.of("spec is missing");
        }
        if (spec.getModel() == null || spec.getModel().isBlank()) {
            return Optional.of("spec.model is missing");
        }
        if (spec.getSloMs() == null || !(spec.getSloMs() > 0)) {
            return Optional.of("spec.sloMs must be a number > 0, got " + spec.getSloMs());
        }
        if (!(spec.getExpectedRatePerSec() >= 0)) {
            return Optional.of("spec.expectedRatePerSec must be >= 0, got " + spec.getExpectedRatePerSec());
        }
        if (spec.sloWindowSecAsStated() != null && (spec.getSloWindowSec() == null
                || AppSpec.windowProblem(spec.getSloWindowSec()).isPresent())) {
            return Optional.of("spec.sloWindowSec must be a whole number of seconds from " + AppSpec.MIN_SLO_WINDOW_SEC
                    + " to " + AppSpec.MAX_SLO_WINDOW_SEC + ", got " + spec.sloWindowSecAsStated());
        }
        if (spec.getAcceleratorTypes().stream().anyMatch(t -> t == null)) {
            return Optional.of("spec.acceleratorTypes has an unknown type (known: edgetpu, gpu, cpu)");
        }
        return TelemetrySpecs.invalidReason(spec.getTelemetry());
    }

    static AppSpec appSpec(InferenceApp app) {
        InferenceAppSpec spec = app.getSpec();
        SloStatistic statistic = spec.getSloStatistic() == null ? SloStatistic.DEFAULT : spec.getSloStatistic().statistic();
        return new AppSpec(app.getMetadata().getName(), spec.getModel(), spec.getExpectedRatePerSec(), spec.getSloMs(),
                statistic, spec.getSloWindowSec() == null ? AppSpec.DEFAULT_SLO_WINDOW_SEC : spec.getSloWindowSec(),
                LoadTimeline.constant(), null, spec.getPinnedTo(), acceleratorTypes(spec));
    }

    /** The types the owner built the app for (empty: any); an unknown one is refused before ({@link #invalidReason}). */
    private static Set<AcceleratorType> acceleratorTypes(InferenceAppSpec spec) {
        Set<AcceleratorType> types = EnumSet.noneOf(AcceleratorType.class);
        spec.getAcceleratorTypes().stream().filter(Objects::nonNull).forEach(kind -> types.add(kind.type()));
        return types;
    }

    private static int parseInt(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static double parseDouble(String value, double fallback) {
        try {
            double parsed = value == null ? fallback : Double.parseDouble(value.strip());
            return parsed >= 0 && Double.isFinite(parsed) ? parsed : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
