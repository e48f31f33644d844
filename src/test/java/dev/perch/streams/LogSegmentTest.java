package dev.perch.streams;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LogSegmentTest {
    @Test
    void aSegmentGivesBackItsEntriesInOrder() {
        byte[] report = {1, 7, 7, 7};
        byte[] json = "{\"app\":\"a\"}".getBytes(StandardCharsets.UTF_8);
        byte[] mark = {0};
        LogSegment segment = new LogSegment();
        segment.add(report);
        segment.add(json);
        segment.add(mark);

        List<byte[]> entries = LogSegment.entries(segment.toBytes());

        assertEquals(3, entries.size());
        assertArrayEquals(report, entries.get(0));
        assertArrayEquals(json, entries.get(1));
        assertArrayEquals(mark, entries.get(2));
        assertEquals(1 + 3 * 4 + report.length + json.length + mark.length, segment.toBytes().length);
    }

    @Test
    void aValueOfTheLayoutBeforeIsOneEntry() {
        for (byte[] single : List.of(new byte[]{0}, new byte[]{1, 2, 3}, "{\"app\":\"a\"}".getBytes(StandardCharsets.UTF_8))) {
            List<byte[]> entries = LogSegment.entries(single);
            assertEquals(1, entries.size());
            assertArrayEquals(single, entries.get(0));
        }
    }

    @Test
    void aSegmentCutShortIsASerializationErrorNotAnotherException() {
        LogSegment segment = new LogSegment();
        segment.add(new byte[]{1, 2, 3, 4, 5});
        byte[] whole = segment.toBytes();
        assertThrows(SerializationException.class, () -> LogSegment.entries(Arrays.copyOf(whole, whole.length - 2)));
        assertThrows(SerializationException.class, () -> LogSegment.entries(Arrays.copyOf(whole, 3)));
    }
}
