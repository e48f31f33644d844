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
 * {@code maxUtilization} and every app's predicted statistic within {@code (1 − sloHeadroom)} of its
 * SLO, both stricter than the placement policy's. The gap is the hysteresis that keeps it from
 * filling an accelerator to the edge that the next small rise of load would send an app moving off
 * again.
 */
public record Consolidation(boolean enabled, Duration period, double maxUtilization, double sloHeadroom) {
    /** Off; when turned on, a pass at most every 5 minutes, packing to utilisation 0.6 and 30 % SLO headroom. */
    public static final Consolidation OFF = new Consolidation(false, Duration.ofMinutes(5), 0.6, 0.3);

    public Consolidation {
        if (period == null || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("consolidation period must be > 0, got " + period);
        }
        if (!(maxUtilization > 0 && maxUtilization < 1)) {
            throw new IllegalArgumentException("consolidation maxUtilization must be in (0, 1), got " + maxUtilization);
        }
        if (!(sloHeadroom >= 0 && sloHeadroom < 1)) {
            throw new IllegalArgumentException("consolidation sloHeadroom must be in [0, 1), got " + sloHeadroom);
        }
    }

    /** The same settings, on. */
    public Consolidation on() {
        return new Consolidation(true, period, maxUtilization, sloHeadroom);
    }

    /**
     * The policy consolidation plans with: the placement policy with this watermark, which must be
     * no looser than the placement's own limits (else consolidation would fill accelerators past what
     * placement accepts, and alerts would undo it).
     */
    PlacementPolicy packing(PlacementPolicy placement) {
        if (maxUtilization > placement.maxUtilization() || sloHeadroom < placement.sloHeadroom()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, 
                    "consolidation must pack no tighter than placement: maxUtilization %.2f (placement %.2f),"
                            + " sloHeadroom %.2f (placement %.2f)", maxUtilization, placement.maxUtilization(),
                    sloHeadroom, placement.sloHeadroom()));
        }
        return new PlacementPolicy(placement.memoryShare(), maxUtilization, placement.frontendMemoryMb(),
                placement.frontendCv(), sloHeadroom, placement.rateHeadroom(), placement.maxShareOfEdgeTpuLeft());
    }
}
