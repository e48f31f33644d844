package dev.perch.streams;

import dev.perch.telemetry.TelemetryReport;

/**
 * A report the intake admitted, parsed, with the bytes it came as: the assessor keeps those bytes,
 * not a re-serialised copy, for the reports of a window it has not yet predicted.
 */
record Admitted(TelemetryReport report, byte[] raw) {
}
