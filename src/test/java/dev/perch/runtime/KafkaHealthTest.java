package dev.perch.runtime;

import dev.perch.FreePort;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real broker stopped under the check and started again on the same directory and port. */
class KafkaHealthTest {
    @Test
    void downWithTheReasonWhileTheBrokerIsGoneAndUpWhenItIsBack(@TempDir Path dir) throws Exception {
        int port = FreePort.pick();
        EmbeddedKafka broker = EmbeddedKafka.start(port, dir);
        KafkaHealth health = new KafkaHealth();
        try {
            health.probe = KafkaHealth.Probe.start(Map.of("bootstrap.servers", broker.bootstrapServers()));
            await(() -> health.call().getStatus() == HealthCheckResponse.Status.UP, 20);
            broker.close();
            await(() -> health.call().getStatus() == HealthCheckResponse.Status.DOWN, 20);
            HealthCheckResponse down = health.call();
            assertEquals("perch-kafka", down.getName());
            String reason = (String) down.getData().orElseThrow().get("reason");
            assertTrue(reason.matches("Kafka at 127\\.0\\.0\\.1:" + port + " has not answered for \\d+ s"), reason);
            broker = EmbeddedKafka.start(port, dir);
            await(() -> health.call().getStatus() == HealthCheckResponse.Status.UP, 30);
        } finally {
            health.probe.close();
            broker.close();
        }
    }

    private static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within " + seconds + " s");
            Thread.sleep(100);
        }
    }
}
