package dev.perch.faults;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A port nothing listens on now, on 127.0.0.1: never 9092 or 8080, which a demo may hold. */
final class FreePort {
    private FreePort() {
    }

    static int pick() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
