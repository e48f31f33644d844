package dev.perch.agent.push;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.perch.telemetry.Json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the body of {@code POST /v1/requests} into {@link PushedRequest}s: a JSON array of records,
 * or JSON lines (one record per line; blank lines skipped). Each record that cannot be one gets a
 * {@link PushRejection} with its index and the first rule it breaks, and the others are kept — a
 * client that got one field wrong in one record loses that record, not its second of telemetry.
 *
 * <p>Syntax is where the two forms differ: a JSON line that does not parse costs that line only,
 * while inside an array the parser cannot know where the broken element ends, so the records after
 * it are not read (one rejection says so). Rules that need the agent's configuration or clock
 * (known app, its model, an open window) are {@link PushWindower}'s.
 */
public final class PushBody {
    /** A reason quotes at most this much of what the client sent: enough to recognise, never a body's worth. */
    private static final int QUOTE_CHARS = 80;
    /** A single line per JSON line: a line holding two values is one broken record, not two. */
    private static final ObjectReader ONE_VALUE = Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private PushBody() {
    }

    /** A record the body held, at its index in the body. */
    public record Entry(int index, PushedRequest request) {
    }

    /** What a body held: its valid records and the reasons of the others, both in body order. */
    public record Parsed(List<Entry> entries, List<PushRejection> rejections) {
        public Parsed {
            entries = List.copyOf(entries);
            rejections = List.copyOf(rejections);
        }

        public List<PushedRequest> requests() {
            return entries.stream().map(Entry::request).toList();
        }
    }

    public static Parsed parse(byte[] body) {
        List<Entry> entries = new ArrayList<>();
        List<PushRejection> rejections = new ArrayList<>();
        // A byte-order mark is how some Windows tools start UTF-8; it is not part of the first record.
        int from = body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF ? 3 : 0;
        int first = firstNonBlank(body, from, body.length);
        if (first < body.length && body[first] == '[') {
            array(body, first, entries, rejections);
        } else {
            lines(body, from, entries, rejections);
        }
        return new Parsed(entries, rejections);
    }

    private static void array(byte[] body, int from, List<Entry> entries, List<PushRejection> rejections) {
        int index = 0;
        try (JsonParser parser = Json.MAPPER.createParser(body, from, body.length - from)) {
            parser.nextToken();
            while (true) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    rejections.add(new PushRejection(index, "the body ends inside the JSON array (no closing ']')"));
                    return;
                }
                if (token == JsonToken.END_ARRAY) {
                    if (parser.nextToken() != null) {
                        rejections.add(new PushRejection(index, "content after the JSON array's closing ']'"));
                    }
                    return;
                }
                JsonNode element = parser.readValueAsTree();
                record(index, element, entries, rejections);
                index++;
            }
        } catch (JsonProcessingException e) {
            rejections.add(new PushRejection(index, "malformed JSON: " + firstLine(e.getOriginalMessage())
                    + " (the records after it in the array were not read)"));
        } catch (IOException e) {
            rejections.add(new PushRejection(index, "unreadable body: " + firstLine(e.getMessage())));
        }
    }

    private static void lines(byte[] body, int from, List<Entry> entries, List<PushRejection> rejections) {
        int index = 0;
        int start = from;
        while (start < body.length) {
            int end = start;
            while (end < body.length && body[end] != '\n') {
                end++;
            }
            if (firstNonBlank(body, start, end) < end) {
                try {
                    record(index, ONE_VALUE.readTree(body, start, end - start), entries, rejections);
                } catch (IOException e) {
                    rejections.add(new PushRejection(index, "malformed JSON: " + firstLine(e instanceof JsonProcessingException j
                            ? j.getOriginalMessage() : e.getMessage())));
                }
                index++;
            }
            start = end + 1;
        }
    }

    private static void record(int index, JsonNode node, List<Entry> entries, List<PushRejection> rejections) {
        try {
            entries.add(new Entry(index, request(node)));
        } catch (BadRecord e) {
            rejections.add(new PushRejection(index, e.getMessage()));
        }
    }

    private static PushedRequest request(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new BadRecord("not a JSON object: " + quote(String.valueOf(node)));
        }
        String app = text(node, "app");
        String model = text(node, "model");
        double arrivalMs = number(node, "arrivalMs");
        double completionMs = number(node, "completionMs");
        JsonNode start = node.get("serviceStartMs");
        double serviceStartMs = start == null || start.isNull() ? Double.NaN : number(node, "serviceStartMs");
        if (completionMs < arrivalMs) {
            throw new BadRecord("completionMs (" + ms(completionMs) + ") is before arrivalMs (" + ms(arrivalMs) + ")");
        }
        if (!Double.isNaN(serviceStartMs) && (serviceStartMs < arrivalMs || serviceStartMs > completionMs)) {
            throw new BadRecord("serviceStartMs (" + ms(serviceStartMs) + ") is outside [arrivalMs, completionMs] = ["
                    + ms(arrivalMs) + ", " + ms(completionMs) + "]");
        }
        return new PushedRequest(app, model, arrivalMs, serviceStartMs, completionMs);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new BadRecord("missing required field '" + field + "'");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new BadRecord("field '" + field + "' must be a non-empty string, got " + quote(value.toString()));
        }
        return value.asText();
    }

    private static double number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new BadRecord("missing required field '" + field + "'");
        }
        if (!value.isNumber()) {
            throw new BadRecord("field '" + field + "' must be a number (ms since the epoch), got " + quote(value.toString()));
        }
        double number = value.asDouble();
        if (!Double.isFinite(number)) {
            throw new BadRecord("field '" + field + "' must be a finite number, got " + quote(value.asText()));
        }
        if (number < 0) {
            throw new BadRecord("field '" + field + "' must not be negative, got " + quote(value.asText()));
        }
        return number;
    }

    private static int firstNonBlank(byte[] body, int from, int to) {
        int i = from;
        while (i < to && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) {
            i++;
        }
        return i;
    }

    /** Whole ms as integers (what clients send), fractions as they are. */
    static String ms(double ms) {
        return ms == Math.rint(ms) && Math.abs(ms) < 1e15 ? Long.toString((long) ms) : String.format(Locale.ROOT, "%s", ms);
    }

    /** Text a client sent, cut short: reasons go back in responses and must stay small. */
    static String quote(String text) {
        if (text == null) {
            return "null";
        }
        return text.length() <= QUOTE_CHARS ? text : text.substring(0, QUOTE_CHARS) + "…";
    }

    private static String firstLine(String message) {
        return quote(message == null ? "" : message.lines().findFirst().orElse(""));
    }

    /** Internal signal: the first rule a record breaks, as its rejection's reason. */
    private static final class BadRecord extends RuntimeException {
        BadRecord(String message) {
            super(message, null, false, false);
        }
    }
}
