package dev.perch.placement;

import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.MemoryFeasibility;

/**
 * Hard limits every placement respects: the share of a node's memory that backends and front ends
 * may use (80 % in the Ibis paper), the highest predicted accelerator utilisation accepted, the
 * front-end memory per app, the front end's service-time variability, the promise made about each
 * app's SLO and one margin. A device is feasible only when, by the model of the statistic over a
 * window ({@code dev.perch.model.queueing.WindowedStatistic}), every app's SLO statistic over its
 * {@code sloWindowSec} stays under its SLO in at least {@code windowCompliance} of its windows — the
 * promise Perch makes ("your SLO holds in 99 % of your windows"). For a percentile SLO (p50, p95,
 * p99) the planner holds the model to a {@code percentileModelMargin}-th of the share of windows the
 * promise allows over: the model of a window's percentile is optimistic — where it puts 1 % of
 * windows over an SLO the simulator finds up to several times that — while the model of a window's
 * mean is exact as the window grows and measured within 0.3 points of it
 * (docs/decisions/0008-percentile-model-margin.md). The models are asked about
 * {@code rateHeadroom} more requests than each app's rate: a learned rate is an estimate, and the
 * window model takes the rate as known. Why these values: docs/decisions/0007-window-compliance.md
 * and 0004-utilisation-cap.md. The verdicts and predictions of {@link DeviceEvaluator} are at these
 * planned rates.
 *
 * <p>One limit is on admission only: a new app that only Edge TPUs can run may take at most
 * {@code maxShareOfEdgeTpuLeft} of the Edge TPU time the cluster has left ({@link EdgeTpuReserve}
 * says why; docs/decisions/0002-edge-tpu-reserve.md); 1 admits every app that fits.
 */
public record PlacementPolicy(double memoryShare, double maxUtilization, double frontendMemoryMb, double frontendCv,
                              double windowCompliance, double percentileModelMargin, double rateHeadroom,
                              double maxShareOfEdgeTpuLeft) {
    public static final PlacementPolicy DEFAULT = new PlacementPolicy(0.8, 0.8, 75, 0.2, 0.99, 10, 0.03, 0.35);

    public PlacementPolicy {
        new MemoryFeasibility(memoryShare, frontendMemoryMb); // validates both
        if (!(maxUtilization > 0 && maxUtilization < 1)) {
            throw new IllegalArgumentException("maxUtilization must be in (0, 1), got " + maxUtilization);
        }
        if (!(frontendCv >= 0)) {
            throw new IllegalArgumentException("frontendCv must be >= 0, got " + frontendCv);
        }
        if (!(windowCompliance >= 0.5 && windowCompliance < 1)) {
            throw new IllegalArgumentException("windowCompliance must be in [0.5, 1), got " + windowCompliance);
        }
        if (!(percentileModelMargin >= 1 && percentileModelMargin <= 1000)) {
            throw new IllegalArgumentException("percentileModelMargin must be in [1, 1000], got " + percentileModelMargin);
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
        return new PlacementPolicy(memoryShare, maxUtilization, frontendMemoryMb, frontendCv, windowCompliance, percentileModelMargin,
                rateHeadroom, share);
    }

    /** The request rate the models are asked about for an app of {@code ratePerSec}. */
    public double plannedRatePerSec(double ratePerSec) {
        return (1 + rateHeadroom) * ratePerSec;
    }

    public MemoryFeasibility memory() {
        return new MemoryFeasibility(memoryShare, frontendMemoryMb);
    }

    /** The same policy promising each app's SLO in at least {@code compliance} of its windows. */
    public PlacementPolicy withWindowCompliance(double compliance) {
        return new PlacementPolicy(memoryShare, maxUtilization, frontendMemoryMb, frontendCv, compliance,
                percentileModelMargin, rateHeadroom, maxShareOfEdgeTpuLeft);
    }

    /** The same policy holding the model of a window's percentile to {@code 1/margin} of what the promise allows. */
    public PlacementPolicy withPercentileModelMargin(double margin) {
        return new PlacementPolicy(memoryShare, maxUtilization, frontendMemoryMb, frontendCv, windowCompliance, margin,
                rateHeadroom, maxShareOfEdgeTpuLeft);
    }

    /**
     * The largest share of an app's windows whose statistic the model may predict over its SLO: the
     * promise's share ({@code 1 − windowCompliance}), over the model's margin for a percentile.
     */
    public double windowsAllowedOver(SloStatistic statistic) {
        return (1 - windowCompliance) / (statistic == SloStatistic.MEAN ? 1 : percentileModelMargin);
    }

    /** Whether an app whose {@code statistic} the model puts over its SLO in {@code shareOver} of its windows may be placed. */
    public boolean allowsWindowsOver(SloStatistic statistic, double shareOver) {
        return shareOver <= windowsAllowedOver(statistic);
    }

    /** The share of an app's windows the model must predict under its SLO: {@code 1 − windowsAllowedOver(statistic)}. */
    public double plannedWindowCompliance(SloStatistic statistic) {
        return 1 - windowsAllowedOver(statistic);
    }
}
