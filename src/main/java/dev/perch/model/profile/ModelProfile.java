package dev.perch.model.profile;

import java.util.Objects;

/**
 * What one model costs on one accelerator type: on-device service time without a swap, the extra
 * time a swap adds (Edge TPU only; 0 elsewhere), the backend's memory, and where the figures come
 * from.
 */
public record ModelProfile(double serviceMs, double swapMs, double memoryMb, String source) {
    public ModelProfile {
        if (!(serviceMs > 0) || !Double.isFinite(serviceMs)) {
            throw new IllegalArgumentException("serviceMs must be a positive number, got " + serviceMs);
        }
        if (!(swapMs >= 0) || !Double.isFinite(swapMs)) {
            throw new IllegalArgumentException("swapMs must be a number >= 0, got " + swapMs);
        }
        if (!(memoryMb >= 0) || !Double.isFinite(memoryMb)) {
            throw new IllegalArgumentException("memoryMb must be a number >= 0, got " + memoryMb);
        }
        source = Objects.requireNonNullElse(source, "");
    }
}
