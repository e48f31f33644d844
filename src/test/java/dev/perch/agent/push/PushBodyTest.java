package dev.perch.agent.push;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PushBodyTest {
    private static PushBody.Parsed parse(String body) {
        return PushBody.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Integer> indexes(List<PushRejection> rejections) {
        return rejections.stream().map(PushRejection::index).toList();
    }

    private static String reasonAt(PushBody.Parsed parsed, int index) {
        return parsed.rejections().stream().filter(r -> r.index() == index).findFirst().orElseThrow().reason();
    }

    @Test
    void aJsonArrayAndJsonLinesGiveTheSameRecords() {
        PushBody.Parsed array = parse("""
                [{"app":"cam-7","model":"mobilenet_v2","arrivalMs":1000,"serviceStartMs":1003,"completionMs":1010},
                 {"app":"cam-7","model":"mobilenet_v2","arrivalMs":1020.5,"completionMs":1031}]""");
        PushBody.Parsed lines = parse("""
                {"app":"cam-7","model":"mobilenet_v2","arrivalMs":1000,"serviceStartMs":1003,"completionMs":1010}

                {"app":"cam-7","model":"mobilenet_v2","arrivalMs":1020.5,"completionMs":1031}\r
                """);
        List<PushedRequest> expected = List.of(new PushedRequest("cam-7", "mobilenet_v2", 1000, 1003, 1010),
                new PushedRequest("cam-7", "mobilenet_v2", 1020.5, Double.NaN, 1031));
        assertEquals(expected, array.requests());
        assertEquals(expected, lines.requests());
        assertEquals(List.of(), array.rejections());
        assertEquals(List.of(), lines.rejections());
        assertEquals(List.of(0, 1), lines.entries().stream().map(PushBody.Entry::index).toList(),
                "a blank line is not a record: indexes count records");
    }

    @Test
    void eachBadRecordGetsItsIndexAndReasonAndTheGoodOnesAreKept() {
        PushBody.Parsed parsed = parse("""
                [{"app":"a","model":"m","arrivalMs":10,"completionMs":20},
                 {"model":"m","arrivalMs":10,"completionMs":20},
                 {"app":"a","model":"m","arrivalMs":30,"completionMs":20},
                 {"app":"a","model":"m","arrivalMs":10,"serviceStartMs":25,"completionMs":20},
                 {"app":"a","model":"m","arrivalMs":10,"serviceStartMs":5,"completionMs":20},
                 {"app":"a","model":"m","arrivalMs":-1,"completionMs":20},
                 {"app":"a","model":"m","arrivalMs":"10","completionMs":20},
                 {"app":"a","model":"m","arrivalMs":NaN,"completionMs":20},
                 {"app":"","model":"m","arrivalMs":10,"completionMs":20},
                 42,
                 {"app":"a","model":"m","arrivalMs":10,"serviceStartMs":null,"completionMs":20},
                 {"app":"a","model":"m","arrivalMs":10,"serviceStartMs":20,"completionMs":20}]""");
        assertEquals(List.of(0, 10, 11), parsed.entries().stream().map(PushBody.Entry::index).toList());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), indexes(parsed.rejections()));
        assertEquals("missing required field 'app'", reasonAt(parsed, 1));
        assertEquals("completionMs (20) is before arrivalMs (30)", reasonAt(parsed, 2));
        assertEquals("serviceStartMs (25) is outside [arrivalMs, completionMs] = [10, 20]", reasonAt(parsed, 3));
        assertEquals("serviceStartMs (5) is outside [arrivalMs, completionMs] = [10, 20]", reasonAt(parsed, 4));
        assertEquals("field 'arrivalMs' must not be negative, got -1", reasonAt(parsed, 5));
        assertEquals("field 'arrivalMs' must be a number (ms since the epoch), got \"10\"", reasonAt(parsed, 6));
        assertEquals("field 'arrivalMs' must be a finite number, got NaN", reasonAt(parsed, 7));
        assertEquals("field 'app' must be a non-empty string, got \"\"", reasonAt(parsed, 8));
        assertEquals("not a JSON object: 42", reasonAt(parsed, 9));
        assertTrue(Double.isNaN(parsed.entries().get(1).request().serviceStartMs()), "null is no service start");
    }

    @Test
    void aBrokenJsonLineCostsThatLineOnly() {
        PushBody.Parsed parsed = parse("""
                {"app":"a","model":"m","arrivalMs":10,"completionMs":20}
                {"app":"a","model":"m","arrivalMs":10,
                {"app":"a","model":"m","arrivalMs":10,"completionMs":20} {"app":"a"}
                {"app":"a","model":"m","arrivalMs":11,"completionMs":21}
                """);
        assertEquals(List.of(0, 3), parsed.entries().stream().map(PushBody.Entry::index).toList());
        assertEquals(List.of(1, 2), indexes(parsed.rejections()));
        assertTrue(reasonAt(parsed, 1).startsWith("malformed JSON: "), reasonAt(parsed, 1));
        assertTrue(reasonAt(parsed, 2).startsWith("malformed JSON: "), "two values on one line: " + reasonAt(parsed, 2));
    }

    @Test
    void aBrokenArrayKeepsTheRecordsBeforeTheBreakAndSaysTheRestWasNotRead() {
        PushBody.Parsed parsed = parse("""
                [{"app":"a","model":"m","arrivalMs":10,"completionMs":20},
                 {"app":"a","model":"m","arrivalMs":10,"completionMs":20},
                 {"app":"a","model":"m","arrivalMs":10 "completionMs":20},
                 {"app":"a","model":"m","arrivalMs":10,"completionMs":20}]""");
        assertEquals(2, parsed.entries().size());
        assertEquals(List.of(2), indexes(parsed.rejections()));
        assertTrue(reasonAt(parsed, 2).endsWith("(the records after it in the array were not read)"), reasonAt(parsed, 2));

        PushBody.Parsed unclosed = parse("[{\"app\":\"a\",\"model\":\"m\",\"arrivalMs\":10,\"completionMs\":20}");
        assertEquals(1, unclosed.entries().size());
        assertEquals(List.of(1), indexes(unclosed.rejections()));

        PushBody.Parsed trailing = parse("[{\"app\":\"a\",\"model\":\"m\",\"arrivalMs\":10,\"completionMs\":20}] {}");
        assertEquals(1, trailing.entries().size());
        assertEquals("content after the JSON array's closing ']'", reasonAt(trailing, 1));
    }

    @Test
    void emptyBodiesHoldNoRecordsAndAByteOrderMarkIsNotARecord() {
        assertEquals(new PushBody.Parsed(List.of(), List.of()), parse(""));
        assertEquals(new PushBody.Parsed(List.of(), List.of()), parse(" \n\n "));
        assertEquals(new PushBody.Parsed(List.of(), List.of()), parse("[]"));
        assertEquals(1, parse("\uFEFF[{\"app\":\"a\",\"model\":\"m\",\"arrivalMs\":10,\"completionMs\":20}]").entries().size());
        assertEquals(1, parse("\uFEFF{\"app\":\"a\",\"model\":\"m\",\"arrivalMs\":10,\"completionMs\":20}").entries().size());
    }

    @Test
    void garbageIsRejectedNeverThrown() {
        for (String body : List.of("\u0000\u0001", "[", "]", "[[[[[[", "{", "null", "[null]", "\"text\"", "[1e999999]",
                "[" + "[".repeat(5000) + "]".repeat(5000) + "]", "{\"app\":\"" + "x".repeat(10_000) + "\"}")) {
            PushBody.Parsed parsed = parse(body);
            assertEquals(List.of(), parsed.entries(), body);
            for (PushRejection r : parsed.rejections()) {
                assertTrue(r.reason().length() < 300, "reasons stay short: " + r.reason().length());
            }
        }
        assertEquals(List.of(0), indexes(parse("[{\"app\":\"a\",\"model\":\"m\",\"arrivalMs\":1e999999,\"completionMs\":2}]")
                .rejections()), "an overflowing number is not finite");
    }
}
