package dev.perch.runtime;

import java.util.List;

/**
 * What {@code demo} prints on stdout when it ends: counts of records, the apps on an accelerator at
 * the end ({@code appsPlaced}, as the simulated cluster has them), and the simulator's verdict —
 * apps in violation at the end, seconds in violation summed over apps, and per app the first
 * impending alert and the first violation (simulated seconds, null when none).
 */
public record DemoSummary(String scenario, String policy, long seed, double simulatedSec, long telemetryRecords, long alerts,
                          long decisions, long appsPlaced, long appsInViolationAtEnd, long violationSeconds,
                          List<AppSummary> apps) {
    public record AppSummary(String app, String accelerator, Double firstImpendingAlertSec, Double firstViolationSec,
                             long violationSeconds) {
    }
}
