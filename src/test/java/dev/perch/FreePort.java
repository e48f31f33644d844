package dev.perch;

import dev.perch.runtime.EmbeddedKafka;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A port on 127.0.0.1 that nothing listens on now (the system's pick, so never 8080 or 9092, which a
 * demo may hold): the one way tests find a port for a process to listen on, or for a client to find
 * nobody at. Another process may take it before the caller binds it; where several ports must differ
 * from each other, {@link EmbeddedKafka#freePorts}, which this asks for one, binds them all at once.
 */
public final class FreePort {
    private FreePort() {
    }

    public static int pick() {
        try {
            return EmbeddedKafka.freePorts(1, 0)[0];
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
