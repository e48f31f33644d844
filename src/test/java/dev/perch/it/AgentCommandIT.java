package dev.perch.it;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged {@code agent}: a config with a misspelt field is one line on stderr, exit 2, nothing on stdout. */
class AgentCommandIT {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @Test
    void aBadConfigIsOneLineAndExit2() throws Exception {
        Path work = Files.createTempDirectory("perch-agent-it-");
        Path config = work.resolve("agent.yaml");
        Files.writeString(config, """
                node: pi-1
                targets:
                  - url: http://127.0.0.1:8002/metrics
                    preset: triton
                    apps:
                      - {app: cam-1, servermodel: resnet50_onnx, model: resnet_50, accelerator: pi-1/gpu0, acceleratorType: gpu}
                """);
        Process process = new ProcessBuilder(List.of("java", "-jar", JAR.toString(), "agent", "--config", config.toString(), "--print"))
                .redirectOutput(work.resolve("out").toFile())
                .redirectError(work.resolve("err").toFile())
                .start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "agent gives up");
        String stderr = Files.readString(work.resolve("err"), StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), stderr);
        assertEquals("perch agent: " + config + ": targets[0].apps[0].servermodel: unknown field (known: accelerator,"
                + " acceleratorType, app, model, serverModel)", stderr.strip());
        assertTrue(Files.readString(work.resolve("out")).isBlank(), "nothing on stdout");
    }
}
