package dev.perch.placement;

import dev.perch.cluster.PlanStep;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Emptying one accelerator whole, and the move step every plan is made of: consolidation empties the
 * least loaded accelerators, probation empties one for a model nobody profiled.
 */
final class DeviceEmptying {
    private DeviceEmptying() {
    }

    /**
     * A target for every app on {@code device}, each where it keeps every SLO with what is there by
     * then (the apps before it included), none on {@code excluded}; empty when one app has none.
     * Leaves {@code placement} as it found it.
     */
    static Optional<Map<String, String>> targets(TargetSelector selector, Placement placement, Device device,
                                                 Set<String> excluded) {
        List<String> apps = placement.appsOn(device.id()).stream().map(AppDemand::app).toList();
        Map<String, String> targets = new LinkedHashMap<>();
        try {
            for (String app : apps) {
                placement.assign(app, null);
                Optional<String> to = selector.placeTarget(placement, app, excluded);
                if (to.isEmpty()) {
                    return Optional.empty();
                }
                placement.assign(app, to.get());
                targets.put(app, to.get());
            }
            return Optional.of(targets);
        } finally {
            apps.forEach(app -> placement.assign(app, device.id())); // back, in their order
        }
    }

    /** Moves {@code app} to {@code to} on {@code placement}, as a step with both accelerators' verdicts before and after. */
    static PlannedStep move(DeviceEvaluator evaluator, Placement placement, String app, String to, String reason) {
        String from = placement.deviceOf(app).orElseThrow();
        DeviceVerdict sourceBefore = evaluator.evaluate(placement, from);
        DeviceVerdict targetBefore = evaluator.evaluate(placement, to);
        placement.assign(app, to);
        return new PlannedStep(new PlanStep.Move(app, from, to), reason, sourceBefore, evaluator.evaluate(placement, from),
                targetBefore, evaluator.evaluate(placement, to));
    }
}
