package dev.perch.streams;

import org.apache.kafka.common.errors.SerializationException;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of an accelerator's log ({@link Assessor}) kept under one key: those logged while one
 * window was open, up to its mark of the window predicted. One key a window rather than one an entry,
 * because the log's store is cached: a window's entries then reach the changelog and RocksDB once a
 * commit, and their deletion once, where one record and one tombstone per report were most of what
 * the topology sent.
 *
 * <p>Layout: {@value #VERSION}, then each entry as its length (4 bytes) and its bytes. A value that
 * starts otherwise is a single entry, as the log kept them before: a report (1 or {@code '{'}) or
 * the mark of a window predicted (0).
 */
final class LogSegment {
    static final byte VERSION = 2;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    private int entries;

    LogSegment() {
        bytes.write(VERSION);
    }

    void add(byte[] entry) {
        int length = entry.length;
        bytes.write(length >>> 24);
        bytes.write(length >>> 16);
        bytes.write(length >>> 8);
        bytes.write(length);
        bytes.write(entry, 0, length);
        entries++;
    }

    int entries() {
        return entries;
    }

    byte[] toBytes() {
        return bytes.toByteArray();
    }

    /** The entries a stored value holds, in the order they were logged. */
    static List<byte[]> entries(byte[] value) {
        if (value.length == 0 || value[0] != VERSION) {
            return List.of(value);
        }
        ByteBuffer in = ByteBuffer.wrap(value, 1, value.length - 1);
        List<byte[]> entries = new ArrayList<>();
        try {
            while (in.hasRemaining()) {
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) {
                    throw new SerializationException("a log segment whose entry of " + length + " bytes runs past its end");
                }
                byte[] entry = new byte[length];
                in.get(entry);
                entries.add(entry);
            }
        } catch (BufferUnderflowException e) {
            throw new SerializationException("a log segment cut short", e);
        }
        return entries;
    }
}
