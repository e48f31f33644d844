package dev.perch.streams;

import dev.perch.telemetry.LatencyHistogram;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.MeanSummary;
import dev.perch.telemetry.TelemetryParser;
import dev.perch.telemetry.TelemetryReport;
import org.apache.kafka.common.errors.SerializationException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static dev.perch.streams.AcceleratorStateSerde.nullable;

/**
 * A report as an accelerator's log keeps it ({@link Assessor}): binary, about half its JSON,
 * for the log is written on every report and its changelog was the largest thing the topology sent.
 * An entry starts with {@value #VERSION}; one that starts with {@code '{'} is the report's JSON, as
 * the log held it before, and is read as such. Version 1, before the app's memory, is read without it.
 */
final class LoggedReports {
    static final byte VERSION = 2;
    private static final byte VERSION_BEFORE_MEMORY = 1;

    private LoggedReports() {
    }

    static byte[] write(TelemetryReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(192);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(report.schema());
            out.writeUTF(report.node());
            out.writeUTF(report.accelerator());
            out.writeUTF(report.acceleratorType());
            out.writeUTF(report.app());
            out.writeUTF(report.model());
            out.writeLong(report.windowStartMs());
            out.writeLong(report.windowEndMs());
            out.writeLong(report.requests());
            LatencySummary latency = report.latencyMs();
            out.writeBoolean(latency != null);
            if (latency != null) {
                nullable(out, latency.mean());
                nullable(out, latency.p50());
                nullable(out, latency.p95());
                nullable(out, latency.p99());
                nullable(out, latency.max());
            }
            mean(out, report.serviceMs());
            mean(out, report.queueMs());
            out.writeBoolean(report.swaps() != null);
            if (report.swaps() != null) {
                out.writeLong(report.swaps());
            }
            histogram(out, report.latencyHistogram());
            nullable(out, report.memoryMb());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static TelemetryReport read(byte[] entry) {
        if (entry.length > 0 && entry[0] == '{') {
            TelemetryParser.Result parsed = TelemetryParser.parse(entry);
            if (parsed instanceof TelemetryParser.Result.Valid valid) {
                return valid.report();
            }
            throw new SerializationException("a logged report that is not valid: " + ((TelemetryParser.Result.Invalid) parsed).reason());
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry))) {
            byte version = in.readByte();
            if (version != VERSION && version != VERSION_BEFORE_MEMORY) {
                throw new SerializationException("a logged report of unknown version " + version);
            }
            String schema = in.readUTF();
            String node = in.readUTF();
            String accelerator = in.readUTF();
            String type = in.readUTF();
            String app = in.readUTF();
            String model = in.readUTF();
            long startMs = in.readLong();
            long endMs = in.readLong();
            long requests = in.readLong();
            LatencySummary latency = in.readBoolean()
                    ? new LatencySummary(nullable(in), nullable(in), nullable(in), nullable(in), nullable(in)) : null;
            MeanSummary service = mean(in);
            MeanSummary queue = mean(in);
            Long swaps = in.readBoolean() ? in.readLong() : null;
            LatencyHistogram histogram = histogram(in);
            return new TelemetryReport(schema, node, accelerator, type, app, model, startMs, endMs, requests, latency,
                    service, queue, swaps, histogram, version == VERSION ? nullable(in) : null);
        } catch (IOException e) {
            throw new SerializationException("a logged report cut short", e);
        }
    }

    private static void mean(DataOutputStream out, MeanSummary summary) throws IOException {
        out.writeBoolean(summary != null);
        if (summary != null) {
            nullable(out, summary.mean());
        }
    }

    private static MeanSummary mean(DataInputStream in) throws IOException {
        return in.readBoolean() ? new MeanSummary(nullable(in)) : null;
    }

    private static void histogram(DataOutputStream out, LatencyHistogram histogram) throws IOException {
        out.writeInt(histogram == null ? -1 : histogram.boundsMs().size());
        if (histogram == null) {
            return;
        }
        for (double bound : histogram.boundsMs()) {
            out.writeDouble(bound);
        }
        out.writeInt(histogram.counts().size());
        for (long count : histogram.counts()) {
            out.writeLong(count);
        }
    }

    private static LatencyHistogram histogram(DataInputStream in) throws IOException {
        int bounds = in.readInt();
        if (bounds < 0) {
            return null;
        }
        List<Double> boundsMs = new ArrayList<>(bounds);
        for (int i = 0; i < bounds; i++) {
            boundsMs.add(in.readDouble());
        }
        int size = in.readInt();
        List<Long> counts = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            counts.add(in.readLong());
        }
        return new LatencyHistogram(boundsMs, counts);
    }
}
