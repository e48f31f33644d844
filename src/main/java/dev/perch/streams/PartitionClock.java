package dev.perch.streams;

/**
 * Window time of one telemetry partition, for forgetting and for refusing the future.
 *
 * <p>For forgetting, the newest window start of the second newest stream (app on accelerator), so
 * that one stream from a node whose clock runs far ahead cannot, on its own, make every other stream
 * of the partition look gone — and never later than the wall clock, so that two cannot either. (A
 * run ahead of the wall clock, as {@code demo --speed max} is, forgets later: its streams are kept
 * until the wall clock too is past them.) Exact: high-water marks only grow.
 *
 * <p>For refusing, {@link #aheadMs}: how far a window starts after the later of the wall clock and
 * the newest window start admitted on the partition, so that a run ahead of the wall clock, which
 * moves a second at a time, is never far ahead of its own partition.
 */
final class PartitionClock {
    private String newestStream;
    private long newestMs = Long.MIN_VALUE;
    private long secondMs = Long.MIN_VALUE;
    private long floorMs = Long.MIN_VALUE;

    /** A stream's high-water mark rose to {@code startMs}. */
    void observe(String stream, long startMs) {
        if (stream.equals(newestStream)) {
            newestMs = Math.max(newestMs, startMs);
        } else if (startMs > newestMs) {
            secondMs = newestMs;
            newestMs = startMs;
            newestStream = stream;
        } else if (startMs > secondMs) {
            secondMs = startMs;
        }
    }

    /**
     * The window start below which a stream is gone, {@code horizonMs} before the partition's window
     * time or the wall clock, whichever is earlier; {@link Long#MIN_VALUE} until two streams have reported.
     */
    long floorMs(long horizonMs, long wallClockMs) {
        if (secondMs != Long.MIN_VALUE) {
            // Never lower than it was: a wall clock stepped back must not let a forgotten stream's old windows in again.
            floorMs = Math.max(floorMs, Math.min(secondMs, wallClockMs) - horizonMs);
        }
        return floorMs;
    }

    /** How far {@code startMs} is after the later of the wall clock and the newest window start admitted (negative: not after). */
    long aheadMs(long startMs, long wallClockMs) {
        return startMs - Math.max(newestMs, wallClockMs);
    }
}
