package dev.perch.it;

import dev.perch.FreePort;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged application pointed at an address where no Kafka listens: {@code run} says so on one
 * line and exits 2, instead of thousands of lines of the admin client's retries and a stack trace.
 */
class KafkaUnreachableIT {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @Test
    void runWithNoKafkaAtTheAddressSaysSoOnOneLineAndExits2() throws Exception {
        int port = FreePort.pick(); // nothing listens there
        Path work = Files.createTempDirectory("perch-no-kafka-it-");
        ProcessBuilder builder = new ProcessBuilder(List.of("java", "-jar", JAR.toString(), "run", "--namespace", "perch"))
                .redirectOutput(work.resolve("out").toFile())
                .redirectError(work.resolve("err").toFile());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + port);
        Process process = builder.start();
        assertTrue(process.waitFor(3, TimeUnit.MINUTES), "run gives up");

        String stderr = Files.readString(work.resolve("err"), StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), stderr);
        assertEquals("perch run: Kafka at 127.0.0.1:" + port + " did not answer within 20 s (KAFKA_BOOTSTRAP_SERVERS)",
                stderr.strip().lines().reduce((first, last) -> last).orElse(""), stderr);
        assertTrue(stderr.strip().lines().count() <= 3, "a reason, not the admin client's retries:\n" + stderr);
        assertTrue(Files.readString(work.resolve("out")).isBlank(), "nothing on stdout");
    }
}
