package dev.perch.streams;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AcceleratorStateSerdeTest {
    private static final AcceleratorState.Window WINDOW = new AcceleratorState.Window(1000, 2000, 3, 150.5, 140.0, 250.25,
            300.0, 125.13, 2L);
    private static final Learned LEARNED = new Learned(new Learned.RateSums(12.5, 30000, 1_764_201_000_000L),
            new Learned.ServiceSums(7.25, 3.5, 7100, 1, 2, 3, 4, 5, 6, 0.5, 1.5, 2.5),
            new Learned.BiasSums(7.5, 8.5, 42, 9.5, 10.5, 11.5));
    /** What a version-1 state's learned figures become: the γ²ᵃ sums taken as the γᵃ ones, the rate counted since the first window. */
    private static final Learned LEGACY = new Learned(new Learned.RateSums(12.5, 30000, 1000),
            new Learned.ServiceSums(7.25, 7.25, 7250, 1, 2, 3, 4, 5, 6, 1, 2, 3), new Learned.BiasSums(7.5, 8.5, 42, 0, 0, 0));

    @Test
    void roundTripsEveryField() {
        Map<String, AcceleratorState.AppHistory> apps = new LinkedHashMap<>();
        var slot = new AcceleratorState.Slot(1_764_201_600L, new AcceleratorState.Weighted(451.5, 3),
                new AcceleratorState.Weighted(420, 3), new AcceleratorState.Weighted(750.75, 3), AcceleratorState.Weighted.NONE,
                3, new SparseBuckets(new int[]{7, 140, 300, 321}, new long[]{1, 200, 1L << 40, 2}));
        var empty = new AcceleratorState.Slot(1_764_201_660L, new AcceleratorState.Weighted(20, 1), AcceleratorState.Weighted.NONE,
                AcceleratorState.Weighted.NONE, AcceleratorState.Weighted.NONE, 0, SparseBuckets.NONE);
        apps.put("a", new AcceleratorState.AppHistory("a", "inception_v4", List.of(WINDOW,
                new AcceleratorState.Window(2000, 3000, 0, null, null, null, null, null, null)), LEARNED,
                new AlertHysteresis.Tracker(AlertHysteresis.State.IMPENDING, 1, 2, 3, 1_764_201_604_000L, 1_764_201_500_000L),
                new AcceleratorState.SloWindow(3600, 60, 1_764_201_000_000L, 1_764_201_661_000L, List.of(slot, empty), 17, 4),
                412.5));
        apps.put("b", new AcceleratorState.AppHistory("b", "mobilenet_v2", List.of(), Learned.EMPTY,
                AlertHysteresis.Tracker.INITIAL, SloWindows.start(60, 0)));
        AcceleratorState state = new AcceleratorState("pi-1/tpu0", "edgetpu", "pi-1", apps);
        AcceleratorStateSerde serde = new AcceleratorStateSerde();
        byte[] bytes = serde.serializer().serialize("t", state);
        assertEquals(state, serde.deserializer().deserialize("t", bytes));
    }

    /** State written before SLO windows (format 1) is read: the app keeps what it learned and its alert state. */
    @Test
    void theFormatBeforeSloWindowsIsStillRead() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF("pi-1/tpu0");
            out.writeUTF("edgetpu");
            out.writeUTF("pi-1");
            writeAppWithOneWindow(out);
            for (double v : new double[]{12.5, 30000, 7.25, 1, 2, 3, 4, 5, 6, 7.5, 8.5}) {
                out.writeDouble(v);
            }
            out.writeInt(42);
            out.writeByte(AlertHysteresis.State.VIOLATION.ordinal());
            out.writeInt(0);
            out.writeInt(4);
            out.writeInt(0);
            out.writeInt(0);
        }
        AcceleratorState.AppHistory a = new AcceleratorStateSerde().deserializer().deserialize("t", bytes.toByteArray())
                .apps().get("a");
        assertEquals(List.of(WINDOW), a.windows());
        assertEquals(LEGACY, a.learned());
        // Still a violation; resolved only after a whole clear window from the last window read.
        assertEquals(new AlertHysteresis.Tracker(AlertHysteresis.State.VIOLATION, 0, 4, 0, 2000, AlertHysteresis.NEVER), a.alert());
        assertEquals(SloWindows.start(60, 2000), a.sloWindow());
    }

    /** State written before each app's memory was kept (format 4) is read whole, with no memory known. */
    @Test
    void theFormatBeforeMemoryIsStillRead() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeUpToSloWindow(out, 4);
            out.writeInt(60); // the SLO window: 60 s in slots of 1 s, since 0, ending at 2000, none judged, no slot
            out.writeInt(1);
            for (long v : new long[]{0, 2000, 0, 0}) {
                out.writeLong(v);
            }
            out.writeInt(0);
        }
        AcceleratorState state = new AcceleratorStateSerde().deserializer().deserialize("t", bytes.toByteArray());
        assertEquals(1000, state.closedStartMs());
        AcceleratorState.AppHistory a = state.apps().get("a");
        assertEquals(new AcceleratorState.AppHistory("a", "inception_v4", List.of(WINDOW), LEARNED,
                new AlertHysteresis.Tracker(AlertHysteresis.State.IMPENDING, 1, 2, 3, 1_764_201_604_000L, 1_764_201_500_000L),
                new AcceleratorState.SloWindow(60, 1, 0, 2000, List.of(), 0, 0), null), a);
    }

    /**
     * An SLO window's running totals are read back as written, not summed again from its slots: after
     * slots came and went they differ from that sum by rounding, and a restart must go on from them.
     */
    @Test
    void anSloWindowsRunningTotalsAreReadBackAsWritten() {
        var slot = new AcceleratorState.Slot(1_764_201_600L, new AcceleratorState.Weighted(0.1 + 0.2, 3),
                new AcceleratorState.Weighted(0.25, 3), new AcceleratorState.Weighted(0.5, 3),
                new AcceleratorState.Weighted(0.75, 3), 0, SparseBuckets.NONE);
        // Each sum off the slot's by a rounding of its own, so that none can be read as another.
        AcceleratorState.Slot running = new AcceleratorState.Slot(0, 0.30000000000000004 + 1e-12, 3, 0.25 + 2e-12, 3,
                0.5 + 3e-12, 3, 0.75 + 4e-12, 3, 0, SparseBuckets.NONE);
        AcceleratorState.Slot summed = SloWindows.totalOf(List.of(slot));
        assertEquals(List.of(summed.requests(), summed.p50Requests(), summed.p95Requests(), summed.p99Requests()),
                List.of(running.requests(), running.p50Requests(), running.p95Requests(), running.p99Requests()));
        var window = new AcceleratorState.SloWindow(60, 1, 0, 1_764_201_601_000L, List.of(slot), 0, 0, running);
        AcceleratorState state = new AcceleratorState("pi-1/tpu0", "edgetpu", "pi-1", Map.of("a",
                new AcceleratorState.AppHistory("a", "mobilenet_v2", List.of(), Learned.EMPTY,
                        AlertHysteresis.Tracker.INITIAL, window)));
        AcceleratorState read = AcceleratorStateSerde.read(AcceleratorStateSerde.write(state));
        assertEquals(running, read.apps().get("a").sloWindow().total());
        assertEquals(state, read);
    }

    /** State written before SLO windows kept running totals (format 5): each window's total is its slots' sum. */
    @Test
    void theFormatBeforeRunningTotalsIsStillRead() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeUpToSloWindow(out, 5);
            out.writeInt(60); // the SLO window: 60 s in slots of 1 s, since 0, ending at 2000, none judged
            out.writeInt(1);
            for (long v : new long[]{0, 2000, 0, 0}) {
                out.writeLong(v);
            }
            out.writeInt(2); // two slots: second 1 (451.5 ms over 3 requests) and second 2 (20 ms over 1)
            out.writeByte(1);
            out.writeDouble(451.5);
            out.writeByte(3);
            out.writeByte(0);
            out.writeByte(0);
            out.writeByte(1);
            out.writeDouble(20);
            out.writeByte(1);
            out.writeByte(0);
            out.writeByte(0);
            out.writeBoolean(true); // its memory
            out.writeDouble(412.5);
        }
        AcceleratorState.AppHistory a = new AcceleratorStateSerde().deserializer().deserialize("t", bytes.toByteArray())
                .apps().get("a");
        var first = new AcceleratorState.Slot(1, new AcceleratorState.Weighted(451.5, 3), AcceleratorState.Weighted.NONE,
                AcceleratorState.Weighted.NONE, AcceleratorState.Weighted.NONE, 0, SparseBuckets.NONE);
        var second = new AcceleratorState.Slot(2, new AcceleratorState.Weighted(20, 1), AcceleratorState.Weighted.NONE,
                AcceleratorState.Weighted.NONE, AcceleratorState.Weighted.NONE, 0, SparseBuckets.NONE);
        assertEquals(new AcceleratorState.AppHistory("a", "inception_v4", List.of(WINDOW), LEARNED,
                new AlertHysteresis.Tracker(AlertHysteresis.State.IMPENDING, 1, 2, 3, 1_764_201_604_000L, 1_764_201_500_000L),
                new AcceleratorState.SloWindow(60, 1, 0, 2000, List.of(first, second), 0, 0), 412.5), a);
        assertEquals(4, a.sloWindow().total().requests());
        assertEquals(471.5, a.sloWindow().total().meanSumMs());
        assertEquals(471.5 / 4, SloWindows.figures(a.sloWindow()).meanMs());
    }

    /** One app, a, with one window ({@link #WINDOW}), as every format writes them. */
    private static void writeAppWithOneWindow(DataOutputStream out) throws IOException {
        out.writeInt(1);
        out.writeUTF("a");
        out.writeUTF("inception_v4");
        out.writeInt(1);
        out.writeLong(1000);
        out.writeLong(2000);
        out.writeLong(3);
        for (double v : new double[]{150.5, 140.0, 250.25, 300.0, 125.13}) {
            out.writeBoolean(true);
            out.writeDouble(v);
        }
        out.writeLong(2);
    }

    /** A state of format {@code version} (4 or 5) up to app a's SLO window: its one window, what it learned, its alert. */
    private static void writeUpToSloWindow(DataOutputStream out, int version) throws IOException {
        out.writeByte(version);
        out.writeUTF("pi-1/tpu0");
        out.writeUTF("edgetpu");
        out.writeUTF("pi-1");
        out.writeLong(1000);
        writeAppWithOneWindow(out);
        out.writeDouble(12.5);
        out.writeDouble(30000);
        out.writeLong(1_764_201_000_000L);
        for (double v : new double[]{7.25, 3.5, 7100, 1, 2, 3, 4, 5, 6, 0.5, 1.5, 2.5, 7.5, 8.5}) {
            out.writeDouble(v);
        }
        out.writeInt(42);
        for (double v : new double[]{9.5, 10.5, 11.5}) {
            out.writeDouble(v);
        }
        out.writeByte(AlertHysteresis.State.IMPENDING.ordinal());
        out.writeInt(1);
        out.writeInt(2);
        out.writeInt(3);
        out.writeLong(1_764_201_604_000L);
        out.writeLong(1_764_201_500_000L);
    }

    @Test
    void anUnknownVersionIsRefused() {
        assertThrows(org.apache.kafka.common.errors.SerializationException.class,
                () -> new AcceleratorStateSerde().deserializer().deserialize("t", new byte[]{9}));
    }
}
