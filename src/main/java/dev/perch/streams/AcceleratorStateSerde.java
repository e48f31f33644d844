package dev.perch.streams;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary serde of {@link AcceleratorState}, the store read and written on every report: JSON's
 * double-to-text conversions cost more than all the modelling (profiled), so state is written as
 * binary with a format version. Changelog records use it too. Version 2 (before windows were predicted
 * whole) is read with no window predicted yet. Each app's SLO window is written by {@link
 * SloWindowSerde}; version 5 (before its running totals) has them summed from its slots. Version 3 (before the uncertainty of what was
 * learned) is read as {@code learnedBeforeConfidence} says; version 4 (before each app's memory) with none known. Version 1 (before SLO windows) is still read, so a restart after an upgrade
 * restores its state: each app's window starts empty, and an open alert needs a whole clear window
 * from then to be resolved.
 */
final class AcceleratorStateSerde implements Serde<AcceleratorState> {
    static final byte VERSION = 6;
    /** Since when each SLO window's running totals are written ({@link SloWindowSerde}). */
    private static final byte VERSION_WITH_WINDOW_TOTALS = 6;
    /** Before each app's resident memory was kept: none known. */
    private static final byte VERSION_BEFORE_MEMORY = 4;
    /** Before what was learned carried its uncertainty: the rate forgotten rather than counted since a change. */
    private static final byte VERSION_BEFORE_CONFIDENCE = 3;
    /** Before windows were predicted whole: no latest predicted window. */
    private static final byte VERSION_BEFORE_CLOSED_WINDOWS = 2;
    private static final byte VERSION_BEFORE_SLO_WINDOWS = 1;

    @Override
    public Serializer<AcceleratorState> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<AcceleratorState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(AcceleratorState state) {
        Bytes bytes = new Bytes();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(state.accelerator());
            out.writeUTF(state.acceleratorType());
            out.writeUTF(state.node());
            out.writeLong(state.closedStartMs());
            out.writeInt(state.apps().size());
            for (AcceleratorState.AppHistory app : state.apps().values()) {
                out.writeUTF(app.app());
                out.writeUTF(app.model());
                out.writeInt(app.windows().size());
                for (AcceleratorState.Window w : app.windows()) {
                    out.writeLong(w.windowStartMs());
                    out.writeLong(w.windowEndMs());
                    out.writeLong(w.requests());
                    nullable(out, w.meanMs());
                    nullable(out, w.p50Ms());
                    nullable(out, w.p95Ms());
                    nullable(out, w.p99Ms());
                    nullable(out, w.serviceMs());
                    out.writeLong(w.swaps() == null ? -1 : w.swaps());
                }
                learned(out, app.learned());
                AlertHysteresis.Tracker t = app.alert();
                out.writeByte(t.state().ordinal());
                out.writeInt(t.predictedOver());
                out.writeInt(t.observedOver());
                out.writeInt(t.observedWithin());
                out.writeLong(t.unclearEndMs());
                out.writeLong(t.resolvedEndMs());
                SloWindowSerde.write(out, app.sloWindow());
                nullable(out, app.memoryMb());
            }
        } catch (IOException e) {
            throw new SerializationException("cannot write accelerator state", e);
        }
        return bytes.toByteArray();
    }

    /**
     * A growing byte array written one byte at a time without a lock: a state is a few thousand
     * variable-length integers, and {@link java.io.ByteArrayOutputStream} takes a lock for each.
     */
    private static final class Bytes extends OutputStream {
        private byte[] buffer = new byte[1024];
        private int size;

        @Override
        public void write(int b) {
            if (size == buffer.length) {
                buffer = Arrays.copyOf(buffer, size * 2);
            }
            buffer[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (size + len > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(size * 2, size + len));
            }
            System.arraycopy(b, off, buffer, size, len);
            size += len;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, size);
        }
    }

    /** Reads a byte array without a lock per byte (see {@link Bytes}). */
    private static final class Reader extends InputStream {
        private final byte[] bytes;
        private int at;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return at < bytes.length ? bytes[at++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at >= bytes.length) {
                return -1;
            }
            int n = Math.min(len, bytes.length - at);
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }
    }

    private static void learned(DataOutputStream out, Learned learned) throws IOException {
        Learned.RateSums r = learned.rate();
        out.writeDouble(r.count());
        out.writeDouble(r.spanMs());
        out.writeLong(r.sinceMs());
        Learned.ServiceSums s = learned.service();
        for (double v : new double[]{s.windows(), s.windowsSq(), s.spanMs(), s.sw(), s.swf(), s.swff(), s.swy(), s.swfy(),
                s.swyy(), s.qw(), s.qwf(), s.qwff()}) {
            out.writeDouble(v);
        }
        Learned.BiasSums b = learned.bias();
        out.writeDouble(b.observed());
        out.writeDouble(b.predicted());
        out.writeInt(b.windows());
        out.writeDouble(b.observedSq());
        out.writeDouble(b.cross());
        out.writeDouble(b.predictedSq());
    }

    private static Learned learned(DataInputStream in) throws IOException {
        Learned.RateSums rate = new Learned.RateSums(in.readDouble(), in.readDouble(), in.readLong());
        Learned.ServiceSums service = new Learned.ServiceSums(in.readDouble(), in.readDouble(), in.readDouble(),
                in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(),
                in.readDouble(), in.readDouble(), in.readDouble());
        Learned.BiasSums bias = new Learned.BiasSums(in.readDouble(), in.readDouble(), in.readInt(), in.readDouble(),
                in.readDouble(), in.readDouble());
        return new Learned(rate, service, bias);
    }

    /**
     * What versions 1–3 kept, as today's sums: the forgotten rate counts as if since the app's oldest
     * kept window, windows are taken to be a second long, and the γ²ᵃ-weighted sums they did not keep
     * are taken as the γᵃ ones — which overstates the variance until the old windows are forgotten. The
     * bias's spread starts afresh.
     */
    private static Learned learnedBeforeConfidence(DataInputStream in, List<AcceleratorState.Window> windows)
            throws IOException {
        double rateCount = in.readDouble();
        double rateSpanMs = in.readDouble();
        double serviceWindows = in.readDouble();
        double sw = in.readDouble();
        double swf = in.readDouble();
        double swff = in.readDouble();
        double swy = in.readDouble();
        double swfy = in.readDouble();
        double swyy = in.readDouble();
        double biasObserved = in.readDouble();
        double biasPredicted = in.readDouble();
        int biasWindows = in.readInt();
        long sinceMs = windows.isEmpty() ? Long.MIN_VALUE : windows.get(0).windowStartMs();
        return new Learned(new Learned.RateSums(rateCount, rateSpanMs, sinceMs),
                new Learned.ServiceSums(serviceWindows, serviceWindows, serviceWindows * 1000, sw, swf, swff, swy, swfy,
                        swyy, sw, swf, swff),
                new Learned.BiasSums(biasObserved, biasPredicted, biasWindows, 0, 0, 0));
    }

    static AcceleratorState read(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new Reader(bytes))) {
            byte version = in.readByte();
            if (version < VERSION_BEFORE_SLO_WINDOWS || version > VERSION) {
                throw new SerializationException("unknown accelerator state format version " + version);
            }
            String accelerator = in.readUTF();
            String type = in.readUTF();
            String node = in.readUTF();
            long closedStartMs = version >= VERSION_BEFORE_CONFIDENCE ? in.readLong() : AcceleratorState.NONE_CLOSED;
            int appCount = in.readInt();
            Map<String, AcceleratorState.AppHistory> apps = new LinkedHashMap<>();
            for (int a = 0; a < appCount; a++) {
                String app = in.readUTF();
                String model = in.readUTF();
                int windowCount = in.readInt();
                List<AcceleratorState.Window> windows = new ArrayList<>(windowCount);
                for (int i = 0; i < windowCount; i++) {
                    long start = in.readLong();
                    long end = in.readLong();
                    long requests = in.readLong();
                    Double mean = nullable(in);
                    Double p50 = nullable(in);
                    Double p95 = nullable(in);
                    Double p99 = nullable(in);
                    Double service = nullable(in);
                    long swaps = in.readLong();
                    windows.add(new AcceleratorState.Window(start, end, requests, mean, p50, p95, p99, service,
                            swaps < 0 ? null : swaps));
                }
                Learned learned = version >= VERSION_BEFORE_MEMORY ? learned(in) : learnedBeforeConfidence(in, windows);
                AlertHysteresis.State state = AlertHysteresis.State.values()[in.readByte()];
                AlertHysteresis.Tracker tracker;
                AcceleratorState.SloWindow sloWindow;
                if (version != VERSION_BEFORE_SLO_WINDOWS) {
                    tracker = new AlertHysteresis.Tracker(state, in.readInt(), in.readInt(), in.readInt(), in.readLong(),
                            in.readLong());
                    sloWindow = SloWindowSerde.read(in, version >= VERSION_WITH_WINDOW_TOTALS);
                } else {
                    // Version 1 kept runs of fine windows, which no longer decide anything: the window starts now.
                    int predictedOver = in.readInt();
                    int observedOver = in.readInt();
                    int observedFine = in.readInt();
                    in.readInt();
                    long lastEndMs = windows.isEmpty() ? 0 : windows.get(windows.size() - 1).windowEndMs();
                    tracker = new AlertHysteresis.Tracker(state, predictedOver, observedOver, observedFine, lastEndMs,
                            AlertHysteresis.NEVER);
                    sloWindow = SloWindows.start(SloWindows.windowSec(null), lastEndMs);
                }
                Double memoryMb = version > VERSION_BEFORE_MEMORY ? nullable(in) : null;
                apps.put(app, new AcceleratorState.AppHistory(app, model, windows, learned, tracker, sloWindow, memoryMb));
            }
            return new AcceleratorState(accelerator, type, node, apps, closedStartMs);
        } catch (IOException e) {
            throw new SerializationException("cannot read accelerator state", e);
        }
    }

    /** A double that may be absent: a flag, then the value (the state's and the log's reports use it). */
    static void nullable(DataOutputStream out, Double value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeDouble(value);
        }
    }

    static Double nullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readDouble() : null;
    }
}
