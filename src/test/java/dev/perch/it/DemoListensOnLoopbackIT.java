package dev.perch.it;

import dev.perch.FreePort;
import dev.perch.runtime.EmbeddedKafka;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The packaged {@code demo}, as a user starts it: its HTTP server (live view, metrics, health)
 * answers on loopback and on none of the machine's other addresses, so nobody else on the network
 * reads it. Runs in {@code mvn verify}.
 */
class DemoListensOnLoopbackIT {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @Test
    void theDemoAnswersOnLoopbackOnly() throws Exception {
        List<InetAddress> others = NetworkInterface.networkInterfaces()
                .filter(DemoListensOnLoopbackIT::up)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .toList();
        assumeFalse(others.isEmpty(), "this test needs an address other than loopback to show the demo is not reached on it");
        int port = FreePort.pick();
        Path work = Files.createTempDirectory("perch-demo-listen-");
        // A broker of its own on a free port, so that the test never meets a demo already running on 9092.
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, null)) {
            ProcessBuilder builder = new ProcessBuilder("java", "-Dquarkus.http.port=" + port, "-jar", JAR.toString(), "demo", "--duration", "10m")
                    .redirectOutput(work.resolve("demo.out").toFile())
                    .redirectError(work.resolve("demo.err").toFile());
            // What is checked is the default: none of the machine's Kafka or HTTP host settings.
            builder.environment().keySet().removeIf(key -> key.startsWith("KAFKA_") || key.equals("QUARKUS_HTTP_HOST"));
            builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
            answersOnLoopbackOnly(builder.start(), port, others, work);
        }
    }

    private static void answersOnLoopbackOnly(Process demo, int port, List<InetAddress> others, Path work) throws Exception {
        try {
            awaitAnswer(demo, URI.create("http://127.0.0.1:" + port + "/q/health/live"), work);
            for (InetAddress address : others) {
                assertThrows(ConnectException.class, () -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress(address, port), 5_000);
                    }
                }, "the demo's HTTP server answers on " + address.getHostAddress());
            }
        } finally {
            demo.destroy();
            if (!demo.waitFor(60, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
    }

    private static void awaitAnswer(Process demo, URI uri, Path work) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            assertTrue(demo.isAlive(), () -> "the demo ended before its HTTP server answered: " + tail(work.resolve("demo.err")));
            try {
                HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
                connection.setConnectTimeout(2_000);
                connection.setReadTimeout(5_000);
                assertEquals(200, connection.getResponseCode(), uri + " answered");
                return;
            } catch (ConnectException notYet) {
                Thread.sleep(500);
            }
        }
        throw new AssertionError("the demo's HTTP server did not answer on " + uri + " within 3 minutes: " + tail(work.resolve("demo.err")));
    }

    private static boolean up(NetworkInterface network) {
        try {
            return network.isUp();
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path file) {
        try {
            String text = Files.readString(file);
            return text.substring(Math.max(0, text.length() - 2_000));
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e.getMessage() + ")";
        }
    }
}
