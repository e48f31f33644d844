package dev.perch.streams;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AcceleratorStateSerdeTest {
    @Test
    void roundTripsEveryField() {
        Map<String, AcceleratorState.AppHistory> apps = new LinkedHashMap<>();
        apps.put("a", new AcceleratorState.AppHistory("a", "inception_v4", List.of(
                new AcceleratorState.Window(1000, 2000, 3, 150.5, 140.0, 250.25, 300.0, 125.13, 2L),
                new AcceleratorState.Window(2000, 3000, 0, null, null, null, null, null, null)),
                new Learned(12.5, 30000, 7.25, 1, 2, 3, 4, 5, 6, 7.5, 8.5, 42),
                new AlertHysteresis.Tracker(AlertHysteresis.State.IMPENDING, 1, 2, 3, 4)));
        apps.put("b", new AcceleratorState.AppHistory("b", "mobilenet_v2", List.of(), Learned.EMPTY,
                AlertHysteresis.Tracker.INITIAL));
        AcceleratorState state = new AcceleratorState("pi-1/tpu0", "edgetpu", "pi-1", apps);
        AcceleratorStateSerde serde = new AcceleratorStateSerde();
        byte[] bytes = serde.serializer().serialize("t", state);
        assertEquals(state, serde.deserializer().deserialize("t", bytes));
    }

    @Test
    void anUnknownVersionIsRefused() {
        assertThrows(org.apache.kafka.common.errors.SerializationException.class,
                () -> new AcceleratorStateSerde().deserializer().deserialize("t", new byte[]{9}));
    }
}
