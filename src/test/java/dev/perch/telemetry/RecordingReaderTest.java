package dev.perch.telemetry;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordingReaderTest {
    private static List<RecordedRequest> perch(String csv) {
        return RecordingReader.read(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "rec.csv",
                RecordingReader.Format.PERCH);
    }

    @Test
    void readsPerchsFormatWithAndWithoutServiceStart() {
        List<RecordedRequest> requests = perch("""
                app,model,accelerator,acceleratorType,arrivalMs,completionMs,serviceStartMs
                cam-1,mobilenet_v2,pi-1/tpu0,edgetpu,1000,1012.5,1005
                cam-2,inception_v4,pi-1/tpu0,edgetpu,1001,1150,
                """);
        assertEquals(2, requests.size());
        assertEquals(12.5, requests.get(0).latencyMs());
        assertEquals(1005, requests.get(0).serviceStartMs());
        assertTrue(Double.isNaN(requests.get(1).serviceStartMs()));
        assertEquals("all", requests.get(0).step());
    }

    @Test
    void badRecordingsNameTheLineAndColumn() {
        String header = "app,model,accelerator,acceleratorType,arrivalMs,completionMs\n";
        assertEquals("rec.csv:2: arrivalMs: must be a finite number >= 0, got 'soon'",
                assertThrows(IllegalArgumentException.class, () -> perch(header + "a,m,x/t,edgetpu,soon,5\n")).getMessage());
        assertEquals("rec.csv:2: completes before it arrives",
                assertThrows(IllegalArgumentException.class, () -> perch(header + "a,m,x/t,edgetpu,9,5\n")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> perch(header + "a,m,x/t,fpga,1,5\n")).getMessage()
                .startsWith("rec.csv:2: acceleratorType: unknown accelerator type 'fpga'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> perch("app,model\na,m\n")).getMessage()
                .startsWith("rec.csv: missing column"));
        assertEquals("rec.csv: no requests in the recording",
                assertThrows(IllegalArgumentException.class, () -> perch(header)).getMessage());
    }
}
