package dev.perch.streams;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary serde of {@link AcceleratorState}, the store read and written on every report: JSON's
 * double-to-text conversions cost more than all the modelling (profiled), so state is written as
 * fixed-width binary with a format version. Changelog records use it too.
 */
final class AcceleratorStateSerde implements Serde<AcceleratorState> {
    private static final byte VERSION = 1;

    @Override
    public Serializer<AcceleratorState> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<AcceleratorState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(AcceleratorState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(state.accelerator());
            out.writeUTF(state.acceleratorType());
            out.writeUTF(state.node());
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
                Learned l = app.learned();
                for (double v : new double[]{l.rateCount(), l.rateSpanMs(), l.windows(), l.sw(), l.swf(), l.swff(), l.swy(),
                        l.swfy(), l.swyy(), l.biasObserved(), l.biasPredicted()}) {
                    out.writeDouble(v);
                }
                out.writeInt(l.biasWindows());
                AlertHysteresis.Tracker t = app.alert();
                out.writeByte(t.state().ordinal());
                out.writeInt(t.predictedOver());
                out.writeInt(t.observedOver());
                out.writeInt(t.observedFine());
                out.writeInt(t.allFine());
            }
        } catch (IOException e) {
            throw new SerializationException("cannot write accelerator state", e);
        }
        return bytes.toByteArray();
    }

    static AcceleratorState read(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new SerializationException("unknown accelerator state format version " + version);
            }
            String accelerator = in.readUTF();
            String type = in.readUTF();
            String node = in.readUTF();
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
                Learned learned = new Learned(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(),
                        in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(),
                        in.readDouble(), in.readInt());
                AlertHysteresis.Tracker tracker = new AlertHysteresis.Tracker(
                        AlertHysteresis.State.values()[in.readByte()], in.readInt(), in.readInt(), in.readInt(), in.readInt());
                apps.put(app, new AcceleratorState.AppHistory(app, model, windows, learned, tracker));
            }
            return new AcceleratorState(accelerator, type, node, apps);
        } catch (IOException e) {
            throw new SerializationException("cannot read accelerator state", e);
        }
    }

    private static void nullable(DataOutputStream out, Double value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeDouble(value);
        }
    }

    private static Double nullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readDouble() : null;
    }
}
