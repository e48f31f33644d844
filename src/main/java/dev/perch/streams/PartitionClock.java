package dev.perch.streams;

/**
 * Window time of one telemetry partition, for forgetting: the newest window start of the second
 * newest stream (app on accelerator), so that one report from a node whose clock runs far ahead
 * cannot, on its own, make every other stream of the partition look gone. Exact: high-water marks
 * only grow.
 */
final class PartitionClock {
    private String newestStream;
    private long newestMs = Long.MIN_VALUE;
    private long secondMs = Long.MIN_VALUE;

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
     * time; {@link Long#MIN_VALUE} until two streams have reported.
     */
    long floorMs(long horizonMs) {
        return secondMs == Long.MIN_VALUE ? Long.MIN_VALUE : secondMs - horizonMs;
    }
}
