package dev.perch.streams;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The marks of one stream, against intervals worked out by hand. */
class StreamMarksTest {
    private static final long RETENTION_MS = 600_000;

    @Test
    void windowsOneAfterAnotherAreOneInterval() {
        StreamMarks marks = StreamMarks.first(0, 1000);
        for (long s = 1000; s < 10_000; s += 1000) {
            marks = marks.admit(s, s + 1000, RETENTION_MS);
        }
        assertEquals(9000, marks.highWaterMs());
        assertArrayEquals(new long[]{0, 10_000}, marks.covered());
    }

    @Test
    void aReSentOrOverlappingWindowIsCountedAlreadyAndAGapIsNot() {
        StreamMarks marks = StreamMarks.first(0, 1000).admit(1000, 2000, RETENTION_MS).admit(5000, 6000, RETENTION_MS);
        assertArrayEquals(new long[]{0, 2000, 5000, 6000}, marks.covered());
        assertTrue(marks.counted(0));
        assertTrue(marks.counted(1000), "the same window again");
        assertTrue(marks.counted(1500), "a window starting inside one counted");
        assertTrue(marks.counted(5999));
        assertFalse(marks.counted(2000), "the gap 2000–5000 is not counted");
        assertFalse(marks.counted(4999));
        assertFalse(marks.counted(6000));
    }

    @Test
    void aLateWindowFillingAGapJoinsBothSides() {
        StreamMarks marks = StreamMarks.first(0, 1000).admit(2000, 3000, RETENTION_MS).admit(1000, 2000, RETENTION_MS);
        assertArrayEquals(new long[]{0, 3000}, marks.covered());
        assertEquals(2000, marks.highWaterMs(), "a late window does not lower the high-water mark");
    }

    @Test
    void aLateWindowBetweenTwoIntervalsKeepsThemInOrder() {
        StreamMarks marks = StreamMarks.first(0, 1000).admit(8000, 9000, RETENTION_MS).admit(4000, 5000, RETENTION_MS);
        assertArrayEquals(new long[]{0, 1000, 4000, 5000, 8000, 9000}, marks.covered());
    }

    @Test
    void intervalsEndingBeyondTheRetentionBelowTheHighWaterMarkAreDropped() {
        StreamMarks marks = StreamMarks.first(0, 1000).admit(5000, 6000, 10_000);
        // High-water mark 20,000: time before 10,000 is stale; [5000, 6000) and [0, 1000) end before it.
        marks = marks.admit(20_000, 21_000, 10_000);
        assertArrayEquals(new long[]{20_000, 21_000}, marks.covered());
        // One reaching past the oldest time kept stays whole.
        marks = StreamMarks.first(0, 15_000).admit(20_000, 21_000, 10_000);
        assertArrayEquals(new long[]{0, 15_000, 20_000, 21_000}, marks.covered());
    }

    @Test
    void theStoredFormReadsBackAndAnUnknownOneIsRefused() {
        StreamMarks marks = StreamMarks.first(0, 1000).admit(3000, 4000, RETENTION_MS);
        assertEquals(2, marks.reports());
        assertEquals(marks, StreamMarks.fromBytes(marks.toBytes()));
        assertEquals(1 + 8 * 6, marks.toBytes().length, "version, high-water mark, reports, two intervals");
        byte[] unknown = marks.toBytes();
        unknown[0] = 9;
        assertThrows(IllegalStateException.class, () -> StreamMarks.fromBytes(unknown));
        assertThrows(IllegalStateException.class, () -> StreamMarks.fromBytes(new byte[0]));
        assertThrows(IllegalStateException.class, () -> StreamMarks.fromBytes(java.util.Arrays.copyOf(marks.toBytes(), 20)));
    }

    /** Marks stored before they held their reports (version 1: the high-water mark, then the intervals) read with none. */
    @Test
    void marksOfTheFormatBeforeReadWithNoReports() {
        byte[] before = java.nio.ByteBuffer.allocate(1 + 8 * 3).put((byte) 1).putLong(3000).putLong(0).putLong(4000).array();
        assertEquals(new StreamMarks(3000, new long[]{0, 4000}, 0), StreamMarks.fromBytes(before));
    }
}
