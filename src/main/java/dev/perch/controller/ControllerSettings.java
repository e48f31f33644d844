package dev.perch.controller;

import dev.perch.placement.PlacementPolicy;

import java.time.Duration;

/**
 * How the controller is set up: its policy, the per-app cooldown, the placement policy (the models'
 * limits and the Edge TPU reserve), the guards' limits, dry-run, and consolidation. {@link #DEFAULT}
 * is what {@code run} and {@code demo} use when nothing is configured, and what {@code evaluate}
 * measures; the application's configuration defaults are checked against it by a test.
 */
public record ControllerSettings(Policy policy, Duration cooldown, PlacementPolicy placement, Guards.Limits guards,
                                 boolean dryRun, Consolidation consolidation) {
    public static final ControllerSettings DEFAULT = new ControllerSettings(Policy.PERCH, Duration.ofSeconds(30),
            PlacementPolicy.DEFAULT, Guards.Limits.DEFAULT, false, Consolidation.OFF);

    public ControllerSettings {
        if (policy == null || placement == null || guards == null || consolidation == null) {
            throw new IllegalArgumentException("controller settings need a policy, a placement policy, guards and consolidation");
        }
        if (cooldown == null || cooldown.isNegative()) {
            throw new IllegalArgumentException("cooldown must be >= 0, got " + cooldown);
        }
        consolidation.packing(placement); // validates that consolidation packs no tighter than placement
    }

    public ControllerSettings withPolicy(Policy policy) {
        return new ControllerSettings(policy, cooldown, placement, guards, dryRun, consolidation);
    }

    public ControllerSettings withCooldown(Duration cooldown) {
        return new ControllerSettings(policy, cooldown, placement, guards, dryRun, consolidation);
    }

    public ControllerSettings withPlacement(PlacementPolicy placement) {
        return new ControllerSettings(policy, cooldown, placement, guards, dryRun, consolidation);
    }

    public ControllerSettings withGuards(Guards.Limits guards) {
        return new ControllerSettings(policy, cooldown, placement, guards, dryRun, consolidation);
    }

    public ControllerSettings withDryRun(boolean dryRun) {
        return new ControllerSettings(policy, cooldown, placement, guards, dryRun, consolidation);
    }

    public ControllerSettings withConsolidation(Consolidation consolidation) {
        return new ControllerSettings(policy, cooldown, placement, guards, dryRun, consolidation);
    }
}
