package dev.perch.placement;

/**
 * Hard limits every placement respects: the share of a node's memory that backends and front ends
 * may use (80 % in the Ibis paper), the highest predicted accelerator utilisation accepted, the
 * front-end memory per app, and the front end's service-time variability.
 */
public record PlacementPolicy(double memoryShare, double maxUtilization, double frontendMemoryMb, double frontendCv) {
    public static final PlacementPolicy DEFAULT = new PlacementPolicy(0.8, 0.9, 75, 0.2);

    public PlacementPolicy {
        if (!(memoryShare > 0 && memoryShare <= 1)) {
            throw new IllegalArgumentException("memoryShare must be in (0, 1], got " + memoryShare);
        }
        if (!(maxUtilization > 0 && maxUtilization < 1)) {
            throw new IllegalArgumentException("maxUtilization must be in (0, 1), got " + maxUtilization);
        }
        if (!(frontendMemoryMb >= 0) || !(frontendCv >= 0)) {
            throw new IllegalArgumentException("frontendMemoryMb and frontendCv must be >= 0");
        }
    }
}
