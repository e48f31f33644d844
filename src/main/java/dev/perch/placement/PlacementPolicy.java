package dev.perch.placement;

/**
 * Hard limits every placement respects: the share of a node's memory that backends and front ends
 * may use (80 % in the Ibis paper), the highest predicted accelerator utilisation accepted, the
 * front-end memory per app, and the front end's service-time variability.
 */
public record PlacementPolicy(double memoryShare, double maxUtilization, double frontendMemoryMb, double frontendCv) {
    public static final PlacementPolicy DEFAULT = new PlacementPolicy(0.8, 0.9, 75, 0.2);

    public dev.perch.model.queueing.MemoryFeasibility memory() {
        return new dev.perch.model.queueing.MemoryFeasibility(memoryShare, frontendMemoryMb);
    }

    public PlacementPolicy {
        new dev.perch.model.queueing.MemoryFeasibility(memoryShare, frontendMemoryMb);
        if (!(maxUtilization > 0 && maxUtilization < 1)) {
            throw new IllegalArgumentException("maxUtilization must be in (0, 1), got " + maxUtilization);
        }
        if (!(frontendCv >= 0)) {
            throw new IllegalArgumentException("frontendCv must be >= 0, got " + frontendCv);
        }

    }
}
