package dev.perch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A port on 127.0.0.1 that nothing listens on now (the system's pick, so never 8080 or 9092, which a
 * demo may hold): the one way tests find a port for a process to listen on, or for a client to find
 * nobody at. Another process may take it before the caller binds it; where several ports must differ
 * from each other, the embedded broker's {@code EmbeddedKafka.freePorts} binds them all at once.
 */
public final class FreePort {
    private FreePort() {
    }

    public static int pick() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
