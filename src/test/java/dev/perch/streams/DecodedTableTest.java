package dev.perch.streams;

import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.Json;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class DecodedTableTest {
    private static AppRecord app(String name, double sloMs) {
        return new AppRecord(AppRecord.SCHEMA, name, "mobilenet_v2", 5, sloMs, "mean", 60, "pi-1", "pi-1/tpu0", null, 0);
    }

    @Test
    void theSameBytesDecodeOnceAndNewBytesDecodeAgain() {
        DecodedTable<AppRecord> table = new DecodedTable<>(AppRecord.class, 8);
        var deserializer = table.deserializer();
        AppRecord first = deserializer.deserialize("t", Json.writeBytes(app("a", 100)));
        assertEquals(app("a", 100), first);
        assertSame(first, deserializer.deserialize("t", Json.writeBytes(app("a", 100))), "an equal copy of the bytes");
        AppRecord changed = deserializer.deserialize("t", Json.writeBytes(app("a", 200)));
        assertEquals(200, changed.sloMs());
        assertNull(deserializer.deserialize("t", null));
    }

    @Test
    void pastItsCapacityItStartsAfreshAndStillDecodesRight() {
        DecodedTable<AppRecord> table = new DecodedTable<>(AppRecord.class, 2);
        var deserializer = table.deserializer();
        AppRecord a = deserializer.deserialize("t", Json.writeBytes(app("a", 100)));
        deserializer.deserialize("t", Json.writeBytes(app("b", 100)));
        deserializer.deserialize("t", Json.writeBytes(app("c", 100)));
        AppRecord again = deserializer.deserialize("t", Json.writeBytes(app("a", 100)));
        assertNotSame(a, again, "a was let go when the table started afresh");
        assertEquals(a, again);
    }
}
