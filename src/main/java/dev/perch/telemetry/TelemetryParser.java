package dev.perch.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.model.profile.AcceleratorType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a raw {@code perch.telemetry.v1} payload into a {@link TelemetryReport} or a one-line reason
 * why it cannot be one. Required: {@code schema, node, accelerator, acceleratorType, app, model,
 * windowStartMs, windowEndMs, requests}, and {@code latencyMs.mean} when {@code requests > 0}; every
 * number present must be finite and non-negative; unknown fields are ignored. An optional
 * {@code latencyHistogram} must be whole: at most {@value #MAX_BOUNDS} finite bounds, strictly
 * ascending, one more count than bounds, whole and non-negative, summing to {@code requests}.
 *
 * <p>Bounds no real producer reaches, so that a hostile or broken one cannot make the topology keep
 * or fold absurd values: a payload of at most {@value #MAX_PAYLOAD_BYTES} bytes, ids of at most
 * {@value #MAX_ID_CHARS} characters, a window of at most {@value #MAX_WINDOW_MS} ms, at most
 * {@value #MAX_REQUESTS_PER_SEC} requests (and swaps) a second of window, latencies of at most
 * {@value #MAX_LATENCY_MS} ms (a day), an optional {@code memoryMb} of at most {@value #MAX_MEMORY_MB}
 * MiB, and every whole number within 64 bits.
 */
public final class TelemetryParser {
    private static final List<String> REQUIRED_TEXT = List.of("node", "accelerator", "acceleratorType", "app", "model");
    /**
     * Bounds a histogram may have: more than any server's layout (Perch's own has 321), few enough
     * that a hostile report costs no more to fold than a fair one.
     */
    static final int MAX_BOUNDS = 512;
    /**
     * The largest payload read: a report with the largest histogram and the longest ids is under
     * 20 KB, so this leaves room for fields Perch does not know, and a megabyte of hostile input is
     * refused before it is parsed.
     */
    public static final int MAX_PAYLOAD_BYTES = 65_536;
    /** Characters of {@code node}, {@code accelerator}, {@code app} and {@code model}: a Kubernetes name is at most 253, an accelerator adds its device to its node's. */
    public static final int MAX_ID_CHARS = 512;
    /** The longest window a report may cover: an hour (producers report every second to a minute). */
    public static final long MAX_WINDOW_MS = 3_600_000;
    /** Requests (and swaps) a second of window: no accelerator answers a million inferences a second. */
    public static final long MAX_REQUESTS_PER_SEC = 1_000_000;
    /** The longest latency, service or queueing time a report may state: a day. */
    public static final double MAX_LATENCY_MS = 86_400_000;
    /** The most resident memory an app may state, in MiB: a tebibyte, beyond any edge node's. */
    public static final double MAX_MEMORY_MB = 1_048_576;

    private TelemetryParser() {
    }

    /** The outcome of parsing one payload. */
    public sealed interface Result {
        record Valid(TelemetryReport report) implements Result {
        }

        record Invalid(String reason) implements Result {
        }
    }

    public static Result parse(byte[] payload) {
        if (payload == null) {
            return new Result.Invalid("empty record (null value)");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            return new Result.Invalid("payload of " + payload.length + " bytes, at most " + MAX_PAYLOAD_BYTES
                    + " (a report is a few kilobytes)");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            return new Result.Invalid("malformed JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            return new Result.Invalid("unreadable payload: " + e.getMessage());
        }
        try {
            return new Result.Valid(report(root));
        } catch (InvalidField e) {
            return new Result.Invalid(e.getMessage());
        }
    }

    private static TelemetryReport report(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidField("not a JSON object");
        }
        JsonNode schema = root.get("schema");
        if (schema == null || schema.isNull()) {
            throw new InvalidField("missing required field 'schema'");
        }
        if (!TelemetryReport.SCHEMA.equals(schema.asText())) {
            throw new InvalidField("unknown schema '" + schema.asText() + "' (expected " + TelemetryReport.SCHEMA + ")");
        }
        for (String field : REQUIRED_TEXT) {
            text(root, field);
        }
        String type = text(root, "acceleratorType");
        if (AcceleratorType.fromId(type).isEmpty()) {
            throw new InvalidField("unknown acceleratorType '" + type + "' (expected edgetpu, gpu or cpu)");
        }
        long start = wholeNumber(root, "windowStartMs");
        long end = wholeNumber(root, "windowEndMs");
        if (end <= start) {
            throw new InvalidField("windowEndMs (" + end + ") must be after windowStartMs (" + start + ")");
        }
        if (end - start > MAX_WINDOW_MS) {
            throw new InvalidField("the window from windowStartMs to windowEndMs is " + (end - start) + " ms long, at most "
                    + MAX_WINDOW_MS + " (an hour)");
        }
        // At most a million a second of window: an hour's window stays far inside 64 bits.
        long mostRequests = (end - start) * MAX_REQUESTS_PER_SEC / 1000;
        long requests = atMost(wholeNumber(root, "requests"), mostRequests, "requests");
        LatencySummary latency = latency(root.get("latencyMs"));
        if (requests > 0 && (latency == null || latency.mean() == null)) {
            throw new InvalidField("missing required field 'latencyMs.mean' (requests is " + requests + ")");
        }
        return new TelemetryReport(TelemetryReport.SCHEMA, text(root, "node"), text(root, "accelerator"), type,
                text(root, "app"), text(root, "model"), start, end, requests, latency,
                mean(root.get("serviceMs"), "serviceMs"), mean(root.get("queueMs"), "queueMs"),
                swaps(optionalWholeNumber(root, "swaps"), mostRequests), histogram(root.get("latencyHistogram"), requests),
                memoryMb(root.get("memoryMb")));
    }

    /** Absent (or {@code null}) is not known, which is not 0; present, it is finite, not negative and within the bound. */
    private static Double memoryMb(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        double memoryMb = finiteNonNegative(value, "memoryMb");
        if (memoryMb > MAX_MEMORY_MB) {
            throw new InvalidField("field 'memoryMb' is " + value.asText() + " MiB, at most " + (long) MAX_MEMORY_MB
                    + " (a tebibyte)");
        }
        return memoryMb;
    }

    private static Long swaps(Long swaps, long most) {
        return swaps == null ? null : atMost(swaps, most, "swaps");
    }

    private static long atMost(long count, long most, String field) {
        if (count > most) {
            throw new InvalidField("field '" + field + "' is " + count + ", at most " + MAX_REQUESTS_PER_SEC
                    + " a second of the window (" + most + " in this one)");
        }
        return count;
    }

    private static LatencyHistogram histogram(JsonNode node, long requests) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidField("field 'latencyHistogram' must be an object");
        }
        JsonNode bounds = node.get("boundsMs");
        if (bounds == null || !bounds.isArray() || bounds.isEmpty()) {
            throw new InvalidField("field 'latencyHistogram.boundsMs' must be a non-empty array of numbers");
        }
        if (bounds.size() > MAX_BOUNDS) {
            throw new InvalidField("field 'latencyHistogram.boundsMs' has " + bounds.size() + " bounds, at most "
                    + MAX_BOUNDS);
        }
        List<Double> boundsMs = new ArrayList<>(bounds.size());
        for (int i = 0; i < bounds.size(); i++) {
            double bound = finiteNonNegative(bounds.get(i), "latencyHistogram.boundsMs[" + i + "]");
            if (i > 0 && bound <= boundsMs.get(i - 1)) {
                throw new InvalidField("field 'latencyHistogram.boundsMs' must ascend strictly: [" + i + "] "
                        + bounds.get(i).asText() + " after " + bounds.get(i - 1).asText());
            }
            boundsMs.add(bound);
        }
        JsonNode counts = node.get("counts");
        if (counts == null || !counts.isArray() || counts.size() != bounds.size() + 1) {
            throw new InvalidField("field 'latencyHistogram.counts' must be an array of " + (bounds.size() + 1)
                    + " counts (one more than boundsMs: the last counts requests above the last bound)"
                    + (counts != null && counts.isArray() ? ", got " + counts.size() : ""));
        }
        List<Long> countList = new ArrayList<>(counts.size());
        long sum = 0;
        for (int i = 0; i < counts.size(); i++) {
            long count = checkWhole(counts.get(i), "latencyHistogram.counts[" + i + "]");
            // Checked as it adds up, so that no sum of hostile counts can overflow past the test.
            if (count > requests - sum) {
                throw new InvalidField("field 'latencyHistogram.counts' sums to more than requests (" + requests + ")");
            }
            sum += count;
            countList.add(count);
        }
        if (sum != requests) {
            throw new InvalidField("field 'latencyHistogram.counts' sums to " + sum + ", not requests (" + requests + ")");
        }
        return new LatencyHistogram(boundsMs, countList);
    }

    private static String text(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidField("missing required field '" + field + "'");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidField("field '" + field + "' must be a non-empty string");
        }
        if (value.asText().length() > MAX_ID_CHARS) {
            throw new InvalidField("field '" + field + "' has " + value.asText().length() + " characters, at most "
                    + MAX_ID_CHARS);
        }
        return value.asText();
    }

    private static long wholeNumber(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidField("missing required field '" + field + "'");
        }
        return checkWhole(value, field);
    }

    private static Long optionalWholeNumber(JsonNode root, String field) {
        JsonNode value = root.get(field);
        return value == null || value.isNull() ? null : checkWhole(value, field);
    }

    private static long checkWhole(JsonNode value, String field) {
        double number = finiteNonNegative(value, field);
        if (number != Math.rint(number)) {
            throw new InvalidField("field '" + field + "' must be a whole number, got " + value.asText());
        }
        // asLong() would wrap a larger integer (2^64 + 17 reads as 17) or clamp a larger double.
        if (!value.canConvertToLong()) {
            throw new InvalidField("field '" + field + "' is " + value.asText() + ", at most " + Long.MAX_VALUE);
        }
        return value.asLong();
    }

    /** A latency, service or queueing time in ms: finite, non-negative, at most {@link #MAX_LATENCY_MS}. */
    private static Double optionalNumber(JsonNode parent, String field, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        double ms = finiteNonNegative(value, path);
        if (ms > MAX_LATENCY_MS) {
            throw new InvalidField("field '" + path + "' is " + value.asText() + " ms, at most " + (long) MAX_LATENCY_MS
                    + " (a day)");
        }
        return ms;
    }

    private static double finiteNonNegative(JsonNode value, String field) {
        if (!value.isNumber()) {
            throw new InvalidField("field '" + field + "' must be a number, got " + value);
        }
        double number = value.asDouble();
        if (Double.isNaN(number) || Double.isInfinite(number)) {
            throw new InvalidField("field '" + field + "' must be a finite number, got " + value.asText());
        }
        if (number < 0) {
            throw new InvalidField("field '" + field + "' must not be negative, got " + value.asText());
        }
        return number;
    }

    private static LatencySummary latency(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidField("field 'latencyMs' must be an object");
        }
        return new LatencySummary(optionalNumber(node, "mean", "latencyMs.mean"),
                optionalNumber(node, "p50", "latencyMs.p50"), optionalNumber(node, "p95", "latencyMs.p95"),
                optionalNumber(node, "p99", "latencyMs.p99"), optionalNumber(node, "max", "latencyMs.max"));
    }

    private static MeanSummary mean(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidField("field '" + field + "' must be an object");
        }
        Double mean = optionalNumber(node, "mean", field + ".mean");
        return mean == null ? null : new MeanSummary(mean);
    }

    /** Internal signal: the first problem found, as the reason of the dead letter. */
    private static final class InvalidField extends RuntimeException {
        InvalidField(String message) {
            super(message, null, false, false);
        }
    }
}
