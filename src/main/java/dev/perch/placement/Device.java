package dev.perch.placement;

import dev.perch.model.profile.AcceleratorType;

/** An accelerator as the planner sees it. */
public record Device(String id, String node, AcceleratorType type) {
}
