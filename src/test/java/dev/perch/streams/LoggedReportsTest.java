package dev.perch.streams;

import dev.perch.telemetry.Json;
import dev.perch.telemetry.LatencyHistogram;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.MeanSummary;
import dev.perch.telemetry.TelemetryReport;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoggedReportsTest {
    private static final TelemetryReport FULL = new TelemetryReport(TelemetryReport.SCHEMA, "pi-1", "pi-1/tpu0", "edgetpu",
            "cam-7", "mobilenet_v2", 1_764_201_600_000L, 1_764_201_601_000L, 17,
            new LatencySummary(16.2, 5.3, 110.0, 190.0, 201.0), new MeanSummary(5.2), new MeanSummary(10.1), 6L,
            new LatencyHistogram(List.of(5.0, 10.0, 50.0), List.of(3L, 9L, 4L, 1L)));
    private static final TelemetryReport SPARSE = new TelemetryReport(TelemetryReport.SCHEMA, "pi-1", "pi-1/tpu0", "edgetpu",
            "cam-7", "mobilenet_v2", 1_764_201_600_000L, 1_764_201_601_000L, 0, null, null, null, null);
    private static final TelemetryReport SOME_NULLS = new TelemetryReport(TelemetryReport.SCHEMA, "pi-1", "pi-1/tpu0", "edgetpu",
            "cam-7", "mobilenet_v2", 1_764_201_600_000L, 1_764_201_601_000L, 3,
            new LatencySummary(16.2, null, null, null, 30.0), new MeanSummary(null), null, 0L);

    @Test
    void everyReportReadsBackEqualAndSmallerThanItsJson() {
        for (TelemetryReport report : List.of(FULL, FULL.withMemoryMb(412.5), SPARSE, SOME_NULLS)) {
            byte[] logged = LoggedReports.write(report);
            assertEquals(report, LoggedReports.read(logged));
            assertTrue(logged.length < Json.writeBytes(report).length * 0.6,
                    logged.length + " bytes against " + Json.writeBytes(report).length + " of JSON");
        }
    }

    @Test
    void anEntryWrittenAsJsonBeforeIsStillRead() {
        assertEquals(FULL, LoggedReports.read(Json.writeBytes(FULL)));
    }

    /** An entry of version 1, before the app's memory: read as the report it was, with no memory. */
    @Test
    void anEntryWrittenBeforeTheMemoryIsStillRead() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeByte(1);
            for (String field : List.of(TelemetryReport.SCHEMA, "pi-1", "pi-1/tpu0", "edgetpu", "cam-7", "mobilenet_v2")) {
                out.writeUTF(field);
            }
            out.writeLong(1_764_201_600_000L);
            out.writeLong(1_764_201_601_000L);
            out.writeLong(0);
            for (int absent = 0; absent < 4; absent++) {
                out.writeBoolean(false); // no latency, service, queue or swaps
            }
            out.writeInt(-1); // no histogram
        }
        assertEquals(SPARSE, LoggedReports.read(bytes.toByteArray()));
    }

    @Test
    void aCutOrUnknownEntryIsRefusedWithAReason() {
        byte[] logged = LoggedReports.write(FULL);
        assertThrows(SerializationException.class, () -> LoggedReports.read(Arrays.copyOf(logged, logged.length / 2)));
        logged[0] = 7;
        assertThrows(SerializationException.class, () -> LoggedReports.read(logged));
    }
}
