package dev.perch.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LaptopHttpHostTest {
    @Test
    void loopbackUnlessTheUserNamesAHost() {
        assertEquals("127.0.0.1", LaptopHttpHost.host(null, null));
        assertEquals("127.0.0.1", LaptopHttpHost.host(" ", ""));
        assertEquals("0.0.0.0", LaptopHttpHost.host(null, "0.0.0.0"));
        assertEquals("192.168.1.7", LaptopHttpHost.host("192.168.1.7", "0.0.0.0"), "the system property wins over the environment");
    }
}
