package dev.perch.controller;

import dev.perch.placement.PlacementPolicy;

import java.time.Duration;
import java.util.Locale;

/**
 * Whether, how often and how tightly the controller packs apps onto fewer accelerators once load has
 * dropped ({@link Consolidator}). Off unless asked for: moving running apps to free an
 * accelerator is a choice an operator makes (power, a node to drain), not a repair.
 *
 * <p>Consolidation packs to a lower watermark than placement accepts — a utilisation of at most
 * {@code maxUtilization} and every app's SLO predicted to hold in at least {@code windowCompliance}
 * of its windows, both stricter than the placement policy's. The gap is the hysteresis that keeps
 * it from filling an accelerator to the edge that the next small rise of load would send an app
 * moving off again (docs/decisions/0007-window-compliance.md).
 */
public record Consolidation(boolean enabled, Duration period, double maxUtilization, double windowCompliance) {
    /** Off; when turned on, a pass at most every 5 minutes, packing to utilisation 0.6 and 99.9 % of windows. */
    public static final Consolidation OFF = new Consolidation(false, Duration.ofMinutes(5), 0.6, 0.999);

    public Consolidation {
        if (period == null || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("consolidation period must be > 0, got " + period);
        }
        if (!(maxUtilization > 0 && maxUtilization < 1)) {
            throw new IllegalArgumentException("consolidation maxUtilization must be in (0, 1), got " + maxUtilization);
        }
        if (!(windowCompliance >= 0.5 && windowCompliance < 1)) {
            throw new IllegalArgumentException("consolidation windowCompliance must be in [0.5, 1), got " + windowCompliance);
        }
    }

    /** The same settings, on. */
    public Consolidation on() {
        return new Consolidation(true, period, maxUtilization, windowCompliance);
    }

    /**
     * The policy consolidation plans with: the placement policy with this watermark, which must be
     * no looser than the placement's own limits (else consolidation would fill accelerators past what
     * placement accepts, and alerts would undo it).
     */
    PlacementPolicy packing(PlacementPolicy placement) {
        if (maxUtilization > placement.maxUtilization() || windowCompliance < placement.windowCompliance()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "consolidation must pack no tighter than placement: maxUtilization %.2f (placement %.2f),"
                            + " windowCompliance %.4f (placement %.4f)", maxUtilization, placement.maxUtilization(),
                    windowCompliance, placement.windowCompliance()));
        }
        return new PlacementPolicy(placement.memoryShare(), maxUtilization, placement.frontendMemoryMb(),
                placement.frontendCv(), windowCompliance, placement.percentileModelMargin(), placement.rateHeadroom(),
                placement.maxShareOfEdgeTpuLeft());
    }
}
