package dev.perch.it;

import dev.perch.runtime.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged application against a broker that only speaks SASL_SSL with SCRAM-SHA-512 (the
 * embedded broker, its user's credentials formatted in, a certificate signed by an authority made
 * here), configured as a user configures it: KAFKA_* environment variables, a PEM truststore. The
 * right credentials carry a demo's telemetry through the topology to predictions and through the
 * controller to a placement ({@link DemoAgainstKafka}); a wrong password or a
 * truststore that does not hold the broker's authority stop {@code run} and {@code agent} at
 * start-up with exit 2 and one line that names the cause.
 */
class SecuredKafkaIT {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final String USER = "perch";
    private static final String PASSWORD = "scram-pass-7f3a";
    private static final String WRONG_PASSWORD = "not-the-password";

    private static Path work;
    private static TestCertificates certificates;
    private static EmbeddedKafka broker;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        work = Files.createTempDirectory("perch-secured-kafka-it-");
        certificates = TestCertificates.make(work);
        broker = EmbeddedKafka.start(0, null,
                new EmbeddedKafka.Secured(certificates.brokerKeystore(), TestCertificates.PASSWORD, USER, PASSWORD));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theRightCredentialsCarryTelemetryThroughTheTopologyAndTheControllerToADecision() throws Exception {
        Map<String, Object> reader = new HashMap<>();
        reader.put("bootstrap.servers", broker.bootstrapServers());
        reader.put("security.protocol", "SASL_SSL");
        reader.put("sasl.mechanism", "SCRAM-SHA-512");
        reader.put("sasl.jaas.config", jaas(PASSWORD));
        reader.put("ssl.truststore.type", "PEM");
        reader.put("ssl.truststore.location", certificates.caPem().toString());

        String stderr = DemoAgainstKafka.runAndCheck(secured(PASSWORD, certificates.caPem()), reader);

        assertFalse(stderr.contains(PASSWORD), "the password is never logged:\n" + stderr);
        // Every client connected — Streams, the controller's consumers and sender, the health check,
        // the demo's drivers: one refused would have logged its failure.
        assertTrue(stderr.lines().noneMatch(line -> line.contains(" ERROR ") || line.contains(" WARN ")), stderr);
    }

    @Test
    void aWrongPasswordStopsRunWithOneLineAndExit2() throws Exception {
        Result run = perch("run-wrong-password", secured(WRONG_PASSWORD, certificates.caPem()), "run", "--namespace", "perch");

        assertEquals(2, run.exit(), run.stderr());
        assertOneLine(run, "perch run: Kafka refused Perch's SASL credentials (SCRAM-SHA-512, user perch): ");
        assertFalse(run.stderr().contains(WRONG_PASSWORD), "the password is never logged:\n" + run.stderr());
    }

    @Test
    void anUntrustedCertificateStopsRunWithOneLineAndExit2() throws Exception {
        Result run = perch("run-untrusted", secured(PASSWORD, certificates.otherCaPem()), "run", "--namespace", "perch");

        assertEquals(2, run.exit(), run.stderr());
        assertOneLine(run, "perch run: Kafka's TLS certificate is not trusted: ");
        assertFalse(run.stderr().contains(PASSWORD), "the password is never logged:\n" + run.stderr());
    }

    @Test
    void aWrongPasswordStopsTheAgentWithOneLineAndExit2() throws Exception {
        Path config = work.resolve("agent.yaml");
        Files.writeString(config, """
                node: pi-1
                push:
                  port: 0
                  apps:
                    - {app: cam-7, model: mobilenet_v2, accelerator: pi-1/tpu0, acceleratorType: edgetpu}
                """);
        Result agent = perch("agent-wrong-password", secured(WRONG_PASSWORD, certificates.caPem()),
                "agent", "--config", config.toString());

        assertEquals(2, agent.exit(), agent.stderr());
        assertOneLine(agent, "perch agent: Kafka refused Perch's SASL credentials (SCRAM-SHA-512, user perch): ");
        assertFalse(agent.stderr().contains(WRONG_PASSWORD), "the password is never logged:\n" + agent.stderr());
    }

    private static void assertOneLine(Result result, String expectedStart) {
        List<String> lines = result.stderr().strip().lines().toList();
        assertEquals(1, lines.size(), "one line, not the clients' retries or a stack trace:\n" + result.stderr());
        assertTrue(lines.get(0).startsWith(expectedStart), lines.get(0));
        assertTrue(result.stdout().isBlank(), "nothing on stdout: " + result.stdout());
    }

    /** The settings a user gives Perch for this broker: address, SASL_SSL, SCRAM-SHA-512, the user, a PEM truststore. */
    private static Map<String, String> secured(String password, Path truststorePem) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        env.put("KAFKA_SASL_JAAS_CONFIG", jaas(password));
        env.put("KAFKA_SSL_TRUSTSTORE_TYPE", "PEM");
        env.put("KAFKA_SSL_TRUSTSTORE_LOCATION", truststorePem.toString());
        env.put("QUARKUS_HTTP_PORT", "0"); // not the demo's 8080
        return env;
    }

    private static String jaas(String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + USER + "\" password=\"" + password + "\";";
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result perch(String name, Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("java", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("KAFKA_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not end within 2 minutes:\n" + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
