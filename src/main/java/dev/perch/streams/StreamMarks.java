package dev.perch.streams;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What the intake remembers of one stream (an app on an accelerator) to count each of its windows
 * once: its high-water mark — the latest window start admitted — and the time its admitted windows
 * cover, as disjoint intervals {@code [from, to)} in window time, merged where they touch. A stream
 * reporting one window after another is one interval, whatever its length, so one small entry per
 * stream replaces one per window.
 *
 * <p>A report is a re-send when its window starts inside time already counted: the same window sent
 * again, or one overlapping a counted one (whose requests would be counted twice). Intervals that end
 * more than the retention below the high-water mark are dropped: every report starting there is
 * stale anyway. Pure and immutable; {@link #toBytes()} is its stored form.
 *
 * @param highWaterMs the latest window start admitted
 * @param covered     interval bounds in pairs, sorted: from₀, to₀, from₁, to₁…
 * @param reports     the stream's reports admitted since its marks were made (the intake's count is
 *                    kept here, in the entry each report writes anyway, not in an entry of its own)
 */
record StreamMarks(long highWaterMs, long[] covered, long reports) {
    /** Format of {@link #toBytes()}: a version byte first, so that the layout can change. */
    static final byte VERSION = 2;
    /** The format before {@link #reports}: its marks read with none. */
    private static final byte VERSION_WITHOUT_REPORTS = 1;

    static StreamMarks first(long startMs, long endMs) {
        return new StreamMarks(startMs, new long[]{startMs, endMs}, 1);
    }

    /** These marks holding {@code count} reports (marks rebuilt from a layout whose count was kept apart). */
    StreamMarks withReports(long count) {
        return new StreamMarks(highWaterMs, covered, count);
    }

    /** Whether a window starting at {@code startMs} starts inside time already counted. */
    boolean counted(long startMs) {
        for (int i = 0; i < covered.length; i += 2) {
            if (startMs >= covered[i] && startMs < covered[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The marks after admitting the window {@code [startMs, endMs)} (not {@link #counted}), one report
     * more, keeping only intervals that reach past {@code retentionMs} below the new high-water mark.
     */
    StreamMarks admit(long startMs, long endMs, long retentionMs) {
        long highWater = Math.max(highWaterMs, startMs);
        long oldestMs = highWater - retentionMs;
        long[] merged = new long[covered.length + 2];
        int n = 0;
        long from = startMs;
        long to = endMs;
        boolean placed = false;
        for (int i = 0; i < covered.length; i += 2) {
            long f = covered[i];
            long t = covered[i + 1];
            if (t < from) {
                n = keep(merged, n, f, t, oldestMs);
            } else if (f > to) {
                if (!placed) {
                    n = keep(merged, n, from, to, oldestMs);
                    placed = true;
                }
                n = keep(merged, n, f, t, oldestMs);
            } else {
                from = Math.min(from, f);
                to = Math.max(to, t);
            }
        }
        if (!placed) {
            n = keep(merged, n, from, to, oldestMs);
        }
        return new StreamMarks(highWater, Arrays.copyOf(merged, n), reports + 1);
    }

    private static int keep(long[] into, int n, long from, long to, long oldestMs) {
        if (to <= oldestMs) {
            return n;
        }
        into[n] = from;
        into[n + 1] = to;
        return n + 2;
    }

    byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(1 + Long.BYTES * (2 + covered.length));
        buffer.put(VERSION).putLong(highWaterMs).putLong(reports);
        for (long bound : covered) {
            buffer.putLong(bound);
        }
        return buffer.array();
    }

    static StreamMarks fromBytes(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte version = bytes.length == 0 ? -1 : buffer.get();
        int fixedLongs = version == VERSION ? 2 : 1;
        if ((version != VERSION && version != VERSION_WITHOUT_REPORTS) || bytes.length < 1 + fixedLongs * Long.BYTES
                || (bytes.length - 1 - fixedLongs * Long.BYTES) % (2 * Long.BYTES) != 0) {
            throw new IllegalStateException("stream marks of an unknown format (version " + version + ", "
                    + bytes.length + " bytes)");
        }
        long highWater = buffer.getLong();
        long reports = version == VERSION ? buffer.getLong() : 0;
        long[] covered = new long[buffer.remaining() / Long.BYTES];
        for (int i = 0; i < covered.length; i++) {
            covered[i] = buffer.getLong();
        }
        return new StreamMarks(highWater, covered, reports);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StreamMarks marks && marks.highWaterMs == highWaterMs
                && Arrays.equals(marks.covered, covered) && marks.reports == reports;
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(highWaterMs) * 31 + Arrays.hashCode(covered)) * 31 + Long.hashCode(reports);
    }

    @Override
    public String toString() {
        return "StreamMarks[highWaterMs=" + highWaterMs + ", covered=" + Arrays.toString(covered) + ", reports="
                + reports + "]";
    }
}
