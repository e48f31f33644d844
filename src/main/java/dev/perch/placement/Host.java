package dev.perch.placement;

/** A node as the planner sees it: memory, and its front end's mean service time per request. */
public record Host(String node, double memoryMb, double frontendServiceMs) {
}
