package dev.perch.telemetry;

import dev.perch.model.profile.AcceleratorType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads per-request recordings (plain or gzipped CSV) in two formats:
 * <ul>
 *   <li>{@code perch}: columns {@code app,model,accelerator,acceleratorType,arrivalMs,completionMs}
 *   and optionally {@code serviceStartMs} and {@code step}; one load step unless {@code step} says
 *   otherwise;</li>
 *   <li>{@code ibis}: the Ibis authors' Edge TPU recordings ({@code model, vary_rho, start_time,
 *   end_time, tpu_submit_time, tpu_end_time}, times in seconds), grouped by load step
 *   ({@code vary_rho}); the app is the model, the accelerator {@code ibis/tpu0}.</li>
 * </ul>
 * Errors are {@link IllegalArgumentException}s naming the file, the line and the column.
 */
public final class RecordingReader {
    public enum Format { PERCH, IBIS }

    private RecordingReader() {
    }

    public static Format format(String name) {
        return switch (name) {
            case "perch" -> Format.PERCH;
            case "ibis" -> Format.IBIS;
            default -> throw new IllegalArgumentException("unknown recording format '" + name + "' (expected perch or ibis)");
        };
    }

    public static List<RecordedRequest> read(Path file, Format format) {
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            return read(in, file.toString(), format);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static List<RecordedRequest> read(InputStream in, String source, Format format) {
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String header = reader.readLine();
            if (header == null) {
                throw new IllegalArgumentException(source + ": empty recording");
            }
            List<String> columns = Arrays.stream(header.split(",")).map(String::strip).toList();
            Columns cols = new Columns(source, columns);
            List<RecordedRequest> requests = new ArrayList<>();
            int lineNumber = 1;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (cells.length < columns.size()) {
                    throw new IllegalArgumentException(source + ":" + lineNumber + ": expected " + columns.size()
                            + " columns, got " + cells.length);
                }
                requests.add(format == Format.IBIS ? ibis(cols, cells, lineNumber) : perch(cols, cells, lineNumber));
            }
            if (requests.isEmpty()) {
                throw new IllegalArgumentException(source + ": no requests in the recording");
            }
            return requests;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RecordedRequest perch(Columns c, String[] cells, int line) {
        String type = c.text(cells, "acceleratorType", line);
        if (AcceleratorType.fromId(type).isEmpty()) {
            throw new IllegalArgumentException(c.source + ":" + line + ": acceleratorType: unknown accelerator type '"
                    + type + "' (expected edgetpu, gpu or cpu)");
        }
        double arrival = c.number(cells, "arrivalMs", line);
        double completion = c.number(cells, "completionMs", line);
        double start = c.has("serviceStartMs") && !cells[c.index("serviceStartMs")].isBlank()
                ? c.number(cells, "serviceStartMs", line) : Double.NaN;
        c.requireOrder(arrival, completion, line);
        String step = c.has("step") ? cells[c.index("step")].strip() : "all";
        return new RecordedRequest(step, c.text(cells, "app", line), c.text(cells, "model", line),
                c.text(cells, "accelerator", line), type, arrival, arrival, start, completion);
    }

    private static RecordedRequest ibis(Columns c, String[] cells, int line) {
        String model = c.text(cells, "model", line);
        double arrival = c.number(cells, "start_time", line) * 1000;
        double queued = c.number(cells, "tpu_submit_time", line) * 1000;
        double completion = c.number(cells, "end_time", line) * 1000;
        c.requireOrder(arrival, completion, line);
        // Service starts when the accelerator is free and the request is queued: derived later from
        // the serving order (RecordingWindows), which needs every request of the step. Each load step
        // ran on its own, so each gets its own accelerator id.
        String step = cells[c.index("vary_rho")].strip();
        return new RecordedRequest(step, model, model, "ibis-" + step + "/tpu0", "edgetpu", arrival, queued,
                Double.NaN, completion);
    }

    private static final class Columns {
        final String source;
        final List<String> names;

        Columns(String source, List<String> names) {
            this.source = source;
            this.names = names;
        }

        boolean has(String name) {
            return names.contains(name);
        }

        int index(String name) {
            int i = names.indexOf(name);
            if (i < 0) {
                String found = String.join(",", names);
                throw new IllegalArgumentException(source + ": missing column '" + name + "' (found: "
                        + (found.length() > 80 ? found.substring(0, 80) + "…" : found) + ")");
            }
            return i;
        }

        String text(String[] cells, String name, int line) {
            String value = cells[index(name)].strip();
            if (value.isEmpty()) {
                throw new IllegalArgumentException(source + ":" + line + ": " + name + ": empty");
            }
            return value;
        }

        double number(String[] cells, String name, int line) {
            String value = cells[index(name)].strip();
            try {
                double number = Double.parseDouble(value);
                if (!Double.isFinite(number) || number < 0) {
                    throw new NumberFormatException();
                }
                return number;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + ":" + line + ": " + name
                        + ": must be a finite number >= 0, got '" + value + "'");
            }
        }

        void requireOrder(double arrival, double completion, int line) {
            if (completion < arrival) {
                throw new IllegalArgumentException(source + ":" + line + ": completes before it arrives");
            }
        }
    }
}
