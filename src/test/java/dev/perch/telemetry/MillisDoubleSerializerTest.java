package dev.perch.telemetry;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Perch's writer of figures gives the text Jackson's own double writer gives, for every double. */
class MillisDoubleSerializerTest {
    /** Jackson as configured before the serializer: its own double writer is the reference. */
    private static final ObjectMapper PLAIN = JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    @Test
    void figuresAndOtherDoublesAreWrittenAsJacksonWritesThem() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        List<Double> values = new ArrayList<>(List.of(0.0, -0.0, 0.001, -0.001, 0.0005, 1.0, 20.0, 2.03, 14.929, 0.1, 0.01,
                9_999_999.999, 10_000_000.0, 1e7 + 0.5, 123_456_789.0, 1e-4, 1e300, -1e300, Double.MIN_VALUE,
                Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1 + 0.2));
        for (int i = 0; i < 20_000; i++) {
            double magnitude = Math.pow(10, random.nextDouble(-5, 9));
            double raw = (random.nextBoolean() ? 1 : -1) * magnitude * random.nextDouble();
            values.add(raw);
            values.add(Samples.round(raw));
            values.add((double) Math.round(raw));
        }
        int fast = 0;
        char[] buffer = new char[16];
        for (double value : values) {
            assertEquals(PLAIN.writeValueAsString(value), Json.write(value), () -> "double " + value);
            Holder holder = new Holder(value, value);
            assertEquals(PLAIN.writeValueAsString(holder), Json.write(holder));
            assertArrayEquals(PLAIN.writeValueAsBytes(holder), Json.writeBytes(holder), () -> "double " + value + " as UTF-8");
            fast += MillisDoubleSerializer.thousandths(value, buffer) >= 0 ? 1 : 0;
        }
        for (Class<?> type : new Class<?>[]{Double.class, double.class}) {
            assertInstanceOf(MillisDoubleSerializer.class, Json.MAPPER.getSerializerProviderInstance().findValueSerializer(type),
                    type + " is written by Perch's serializer");
        }
        // Most values were figures of three decimals under 10⁷, which take the integer path.
        assertTrue(fast > values.size() / 3, "integer path taken for " + fast + " of " + values.size());
    }

    record Holder(double primitive, Double boxed) {
    }
}
