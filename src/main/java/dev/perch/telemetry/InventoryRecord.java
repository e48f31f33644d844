package dev.perch.telemetry;

import java.util.List;

/**
 * One node of the cluster ({@code perch.inventory.v1}, compacted, keyed by node): its memory, the
 * network time to it, its front end's mean service time, and its accelerators.
 */
public record InventoryRecord(String schema, String node, double memoryMb, double networkMs, double frontendServiceMs,
                              List<Entry> accelerators, long updatedAtMs) {
    public static final String SCHEMA = "perch.inventory.v1";

    public record Entry(String accelerator, String acceleratorType) {
    }
}
