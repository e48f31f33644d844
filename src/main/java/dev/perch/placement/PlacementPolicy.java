package dev.perch.placement;

import dev.perch.model.queueing.MemoryFeasibility;

/**
 * Hard limits every placement respects: the share of a node's memory that backends and front ends
 * may use (80 % in the Ibis paper), the highest predicted accelerator utilisation accepted, the
 * front-end memory per app, the front end's service-time variability, and two margins. A device is
 * feasible only when every app's predicted statistic is within {@code (1 − sloHeadroom)} of its SLO,
 * with the models asked about {@code rateHeadroom} more requests than each app's rate: near
 * saturation the latency an app actually sees over a window swings well beyond the models' few per
 * cent of error, and a learned rate is an estimate (over ten minutes a 5 req/s Poisson stream runs
 * 1.8 % above its mean at one standard deviation). Why these values, with the figures measured
 * through the controller: docs/decisions/0003-headroom.md and 0004-utilisation-cap.md. The verdicts
 * and predictions of {@link DeviceEvaluator} are at these planned rates.
 *
 * <p>One limit is on admission only: a new app that only Edge TPUs can run may take at most
 * {@code maxShareOfEdgeTpuLeft} of the Edge TPU time the cluster has left ({@link EdgeTpuReserve}
 * says why; docs/decisions/0002-edge-tpu-reserve.md); 1 admits every app that fits.
 */
public record PlacementPolicy(double memoryShare, double maxUtilization, double frontendMemoryMb, double frontendCv,
                              double sloHeadroom, double rateHeadroom, double maxShareOfEdgeTpuLeft) {
    public static final PlacementPolicy DEFAULT = new PlacementPolicy(0.8, 0.8, 75, 0.2, 0.15, 0.03, 0.35);

    public PlacementPolicy {
        new MemoryFeasibility(memoryShare, frontendMemoryMb); // validates both
        if (!(maxUtilization > 0 && maxUtilization < 1)) {
            throw new IllegalArgumentException("maxUtilization must be in (0, 1), got " + maxUtilization);
        }
        if (!(frontendCv >= 0)) {
            throw new IllegalArgumentException("frontendCv must be >= 0, got " + frontendCv);
        }
        if (!(sloHeadroom >= 0 && sloHeadroom < 1)) {
            throw new IllegalArgumentException("sloHeadroom must be in [0, 1), got " + sloHeadroom);
        }
        if (!(rateHeadroom >= 0 && rateHeadroom < 1)) {
            throw new IllegalArgumentException("rateHeadroom must be in [0, 1), got " + rateHeadroom);
        }
        if (!(maxShareOfEdgeTpuLeft > 0 && maxShareOfEdgeTpuLeft <= 1)) {
            throw new IllegalArgumentException("maxShareOfEdgeTpuLeft must be in (0, 1], got " + maxShareOfEdgeTpuLeft);
        }
    }

    /** The same policy with admission's Edge TPU share ({@link EdgeTpuReserve}) set to {@code share}. */
    public PlacementPolicy withMaxShareOfEdgeTpuLeft(double share) {
        return new PlacementPolicy(memoryShare, maxUtilization, frontendMemoryMb, frontendCv, sloHeadroom, rateHeadroom, share);
    }

    /** TEMPORARY until the window model lands: the share of an app's judged seconds its SLO must hold in. */
    public double windowCompliance() {
        return 0.99;
    }

    /** The request rate the models are asked about for an app of {@code ratePerSec}. */
    public double plannedRatePerSec(double ratePerSec) {
        return (1 + rateHeadroom) * ratePerSec;
    }

    public MemoryFeasibility memory() {
        return new MemoryFeasibility(memoryShare, frontendMemoryMb);
    }

    /** The most an app's predicted SLO statistic may be for a device to count as feasible. */
    public double plannableMs(double sloMs) {
        return (1 - sloHeadroom) * sloMs;
    }
}
