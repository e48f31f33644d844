package dev.perch.streams;

import org.apache.kafka.common.errors.SerializationException;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An app's SLO window in {@link AcceleratorStateSerde}'s binary state. It keeps up to 61 slots, so
 * they are written small: starts, counts and bucket numbers as variable-length integers (most fit a
 * byte), a percentile's request count only when it is not the slot's, and the sums of per-second
 * percentiles, approximations anyway, as floats (which the slots hold, so nothing is lost: {@link
 * SloWindows}). Then the sums of the window's running totals, as doubles (from state format 6;
 * before, the totals are summed from the slots when read).
 */
final class SloWindowSerde {
    /**
     * A slot's flags byte: two bits for each of p50, p95 and p99 (whether the slot has the figure, and
     * whether for as many requests as the mean — nearly always), two for its histogram's requests.
     */
    private static final int NONE = 0;
    private static final int AS_MEAN = 1;
    private static final int OWN = 2;
    private static final int HISTOGRAM_ALL = 0x40;
    private static final int HISTOGRAM_SOME = 0x80;

    private SloWindowSerde() {
    }

    static void write(DataOutputStream out, AcceleratorState.SloWindow w) throws IOException {
        out.writeInt(w.windowSec());
        out.writeInt(w.slotSec());
        out.writeLong(w.sinceMs());
        out.writeLong(w.endMs());
        out.writeLong(w.judgedSeconds());
        out.writeLong(w.violationSeconds());
        out.writeInt(w.slots().size());
        long previousStart = 0;
        for (AcceleratorState.Slot slot : w.slots()) {
            varLong(out, slot.startSec() - previousStart);
            previousStart = slot.startSec();
            out.writeDouble(slot.meanSumMs());
            long requests = slot.requests();
            varLong(out, requests);
            List<AcceleratorState.Weighted> percentiles = List.of(slot.p50(), slot.p95(), slot.p99());
            int flags = 0;
            for (int f = 0; f < percentiles.size(); f++) {
                long n = percentiles.get(f).requests();
                flags |= (n == 0 ? NONE : n == requests ? AS_MEAN : OWN) << (2 * f);
            }
            long histogram = slot.histogramRequests();
            flags |= histogram == 0 ? 0 : histogram == requests ? HISTOGRAM_ALL : HISTOGRAM_SOME;
            out.writeByte(flags);
            for (AcceleratorState.Weighted figure : percentiles) {
                if (figure.requests() != 0) {
                    // A mean of per-second percentiles is an approximation: a float's 7 digits are plenty.
                    out.writeFloat((float) figure.sumMs());
                    if (figure.requests() != requests) {
                        varLong(out, figure.requests());
                    }
                }
            }
            if (histogram != 0 && histogram != requests) {
                varLong(out, histogram);
            }
            SparseBuckets buckets = slot.buckets();
            varLong(out, buckets.size());
            int previous = 0;
            for (int k = 0; k < buckets.size(); k++) {
                varLong(out, buckets.bucket(k) - previous);
                previous = buckets.bucket(k);
                varLong(out, buckets.count(k));
            }
        }
        // The running totals, not summed again from the slots when read back, so that a restart goes on
        // from the very sums an uninterrupted run holds; their counts and buckets are the slots'.
        AcceleratorState.Slot total = w.total();
        for (double sum : new double[]{total.meanSumMs(), total.p50SumMs(), total.p95SumMs(), total.p99SumMs()}) {
            out.writeDouble(sum);
        }
    }

    static AcceleratorState.SloWindow read(DataInputStream in, boolean withTotals) throws IOException {
        int windowSec = in.readInt();
        int slotSec = in.readInt();
        long sinceMs = in.readLong();
        long endMs = in.readLong();
        long judged = in.readLong();
        long violation = in.readLong();
        int slotCount = in.readInt();
        List<AcceleratorState.Slot> slots = new ArrayList<>(slotCount);
        long startSec = 0;
        for (int s = 0; s < slotCount; s++) {
            startSec += varLong(in);
            double meanSum = in.readDouble();
            long requests = varLong(in);
            int flags = in.readUnsignedByte();
            AcceleratorState.Weighted[] percentiles = new AcceleratorState.Weighted[3];
            for (int f = 0; f < percentiles.length; f++) {
                int kind = (flags >> (2 * f)) & 3;
                percentiles[f] = kind == NONE ? AcceleratorState.Weighted.NONE
                        : new AcceleratorState.Weighted(in.readFloat(), kind == AS_MEAN ? requests : varLong(in));
            }
            int histogramKind = flags & (HISTOGRAM_ALL | HISTOGRAM_SOME);
            long histogramRequests = histogramKind == 0 ? 0 : histogramKind == HISTOGRAM_ALL ? requests : varLong(in);
            int size = (int) varLong(in);
            int[] buckets = new int[size];
            long[] counts = new long[size];
            int previous = 0;
            for (int k = 0; k < size; k++) {
                previous += (int) varLong(in);
                buckets[k] = previous;
                counts[k] = varLong(in);
            }
            slots.add(new AcceleratorState.Slot(startSec, new AcceleratorState.Weighted(meanSum, requests), percentiles[0],
                    percentiles[1], percentiles[2], histogramRequests,
                    size == 0 ? SparseBuckets.NONE : new SparseBuckets(buckets, counts)));
        }
        if (!withTotals) {
            return new AcceleratorState.SloWindow(windowSec, slotSec, sinceMs, endMs, slots, judged, violation);
        }
        AcceleratorState.Slot summed = SloWindows.totalOf(slots);
        AcceleratorState.Slot total = new AcceleratorState.Slot(summed.startSec(), in.readDouble(), summed.requests(),
                in.readDouble(), summed.p50Requests(), in.readDouble(), summed.p95Requests(), in.readDouble(),
                summed.p99Requests(), summed.histogramRequests(), summed.buckets());
        return new AcceleratorState.SloWindow(windowSec, slotSec, sinceMs, endMs, slots, judged, violation, total);
    }

    /** A non-negative long in 7-bit groups, low first, the high bit saying another follows. */
    private static void varLong(DataOutputStream out, long value) throws IOException {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    private static long varLong(DataInputStream in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new SerializationException("malformed variable-length integer in accelerator state");
    }
}
