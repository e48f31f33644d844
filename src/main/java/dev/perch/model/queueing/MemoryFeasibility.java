package dev.perch.model.queueing;

import java.util.List;

/**
 * Whether a node's apps fit its memory: every app's backend plus its front end, within a share of the
 * node's memory (80 % by default, as in the Ibis paper: the rest is the OS and the runtime).
 */
public record MemoryFeasibility(double share, double frontendMb) {
    public static final MemoryFeasibility DEFAULT = new MemoryFeasibility(0.8, 75);

    public MemoryFeasibility {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("memory share must be in (0, 1], got " + share);
        }
        if (!(frontendMb >= 0) || !Double.isFinite(frontendMb)) {
            throw new IllegalArgumentException("frontendMb must be a number >= 0, got " + frontendMb);
        }
    }

    /** Memory the apps use: backends plus one front end each. */
    public double usedMb(List<Double> backendsMb) {
        return backendsMb.stream().mapToDouble(Double::doubleValue).sum() + frontendMb * backendsMb.size();
    }

    public double limitMb(double nodeMemoryMb) {
        return share * nodeMemoryMb;
    }

    public boolean fits(List<Double> backendsMb, double nodeMemoryMb) {
        return usedMb(backendsMb) <= limitMb(nodeMemoryMb);
    }
}
