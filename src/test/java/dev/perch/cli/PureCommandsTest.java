package dev.perch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.telemetry.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code predict}, {@code validate} and {@code evaluate} run in {@code main} itself: one JSON line on stdout, and no
 * broker, Streams or HTTP thread is left behind.
 */
class PureCommandsTest {
    private static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            PerchMain.main(args);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void predictValidateAndEvaluatePrintOneJsonLineAndStartNothing() throws Exception {
        Set<String> before = threadNames();
        Path snapshot = Files.createTempFile("snapshot", ".json");
        Files.writeString(snapshot, """
                {"accelerators":[{"id":"n1/tpu0","acceleratorType":"edgetpu","apps":[
                  {"app":"a","model":"inception_v4","ratePerSec":0.691,"serviceMs":125.13,"swapMs":19.43}]}]}""");
        String predicted = run("predict", "--file", snapshot.toString());
        assertEquals(1, predicted.strip().lines().count());
        assertTrue(Json.read(predicted, JsonNode.class).has("accelerators"));

        Path recording = Files.createTempFile("recording", ".csv");
        Files.writeString(recording, """
                app,model,accelerator,acceleratorType,arrivalMs,completionMs
                a,mobilenet_v2,n1/tpu0,edgetpu,0,5
                a,mobilenet_v2,n1/tpu0,edgetpu,100,106
                a,mobilenet_v2,n1/tpu0,edgetpu,200,204.5
                """);
        String validated = run("validate", "--recording", recording.toString());
        assertEquals(1, validated.strip().lines().count());
        JsonNode report = Json.read(validated, JsonNode.class);
        assertEquals(1, report.get("points").size());
        assertEquals(15.0, report.get("points").get(0).get("ratePerSec").asDouble(), 1e-9, "3 requests over 200 ms");

        Path plot = Files.createTempDirectory("plot").resolve("small.png");
        String evaluated = run("evaluate", "--scenario", "small", "--seed", "1", "--strategies", "perch,oracle",
                "--plot", plot.toString());
        assertEquals(1, evaluated.strip().lines().count());
        JsonNode evaluation = Json.read(evaluated, JsonNode.class);
        assertEquals("perch", evaluation.get("strategies").get(0).get("name").asText());
        assertEquals("oracle", evaluation.get("strategies").get(1).get("name").asText());
        assertTrue(evaluation.get("strategies").get(1).get("appsPlaced").asInt()
                >= evaluation.get("strategies").get(0).get("appsPlaced").asInt(), evaluated);
        assertTrue(Files.size(plot) > 1000, "a PNG was written");

        Set<String> started = threadNames();
        started.removeAll(before);
        assertTrue(started.stream().noneMatch(n -> n.contains("kafka") || n.contains("vert.x") || n.contains("executor")
                || n.contains("StreamThread")), "threads started: " + started);
    }

    private static Set<String> threadNames() {
        Set<String> names = new java.util.HashSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName().toLowerCase()));
        return names;
    }
}
