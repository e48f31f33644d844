package dev.perch.cluster;

import dev.perch.model.profile.AcceleratorType;

/** One accelerator of a node, e.g. {@code pi-1/tpu0} of type {@code edgetpu}. */
public record Accelerator(String id, String node, AcceleratorType type) {
}
