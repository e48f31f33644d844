package dev.perch.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.telemetry.Json;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged application, as a user runs it: a replay killed with SIGKILL half-way and run again
 * on the same data directory learns and predicts exactly what an uninterrupted replay does (exactly-once
 * processing, changelogged state, re-sent reports counted once, windows closed on their reports and
 * not on the machine's pauses). Runs in {@code mvn verify}.
 */
class ReplayCrashIT {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @Test
    void aReplayKilledHalfWayResumesToTheSameLearnedParameters() throws Exception {
        Path work = Files.createTempDirectory("perch-replay-it-");
        Path recording = work.resolve("ibis.csv.gz");
        try (InputStream in = getClass().getClassLoader()
                .getResourceAsStream("dev/perch/ibis/queuing_tpu_inception_v4Xmobilenet_v2.csv.gz")) {
            Files.copy(in, recording, StandardCopyOption.REPLACE_EXISTING);
        }

        JsonNode uninterrupted = replay(work, "uninterrupted", recording, List.of());

        Path crashDir = work.resolve("crashed");
        Process doomed = start(work, "doomed", recording, crashDir, List.of("--speed", "25"));
        Thread.sleep(15_000);
        assertTrue(doomed.isAlive(), "the first replay must still be running when it is killed");
        doomed.destroyForcibly(); // SIGKILL: no shutdown hooks, no clean close
        assertTrue(doomed.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.readString(work.resolve("doomed.out")).isBlank(), "killed before it could answer");

        JsonNode resumed = run(start(work, "resumed", recording, crashDir, List.of()), work.resolve("resumed.out"));

        assertEquals(10, uninterrupted.get("apps").size());
        assertEquals(0, uninterrupted.get("lastWindowsMissing").size(), "every accelerator's last window predicted");
        assertEquals(0, resumed.get("lastWindowsMissing").size(), "every accelerator's last window predicted");
        for (JsonNode app : uninterrupted.get("apps")) {
            assertConfidenceHolds(app);
        }
        for (int i = 0; i < uninterrupted.get("apps").size(); i++) {
            JsonNode a = uninterrupted.get("apps").get(i);
            JsonNode b = resumed.get("apps").get(i);
            assertEquals(a.get("app").asText(), b.get("app").asText());
            assertEquals(a.get("step").asText(), b.get("step").asText());
            for (String field : List.of("ratePerSec", "serviceMs", "swapMs", "serviceCv")) {
                assertEquals(a.get(field).asDouble(), b.get(field).asDouble(), 1e-9, a.get("step") + " " + a.get("app") + " " + field);
            }
            // The predictions also carry the bias learned at each window's close: the same only if every
            // window closed on the same reports, whatever pauses the machine made (IdleClose.AtEndOfInput).
            for (String figure : List.of("meanMs", "p95Ms", "p99Ms")) {
                assertEquals(a.get("predicted").get(figure).asDouble(), b.get("predicted").get(figure).asDouble(), 1e-9,
                        a.get("step") + " " + a.get("app") + " predicted " + figure);
            }
        }
    }

    /**
     * Each app's result carries the confidence of its latest prediction record: the learned rate
     * inside its own 95 % interval with a positive standard error resting on the requests seen, and
     * likewise the predicted mean.
     */
    private static void assertConfidenceHolds(JsonNode app) {
        String what = app.get("step") + " " + app.get("app");
        JsonNode confidence = app.get("confidence");
        assertTrue(confidence != null && confidence.isObject(), what + ": no confidence in " + app);
        JsonNode rate = confidence.get("rate");
        assertTrue(rate != null && rate.isObject(), what + ": no rate's error in " + confidence);
        double ratePerSec = app.get("ratePerSec").asDouble();
        double rateError = rate.get("stdErrPerSec").asDouble();
        // A steady rate's error is Poisson's, √N/T, on the requests and seconds it names.
        assertEquals(Math.sqrt(rate.get("sampleRequests").asDouble()) / rate.get("sampleSec").asDouble(), rateError, 0.0015,
                what + ": rate " + rate);
        assertEquals(ratePerSec, rate.get("sampleRequests").asDouble() / rate.get("sampleSec").asDouble(), 0.0015,
                what + ": the rate is the count over the time it names, " + rate);
        JsonNode latency = confidence.get("latency");
        assertTrue(latency != null && latency.get("meanStdErrMs").asDouble() > 0, what + ": mean's error in " + confidence);
    }

    private static JsonNode replay(Path work, String name, Path recording, List<String> extra) throws Exception {
        return run(start(work, name, recording, work.resolve(name), extra), work.resolve(name + ".out"));
    }

    private static Process start(Path work, String name, Path recording, Path dataDir, List<String> extra) throws Exception {
        List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toString(), "replay", "--recording",
                recording.toString(), "--format", "ibis", "--data-dir", dataDir.toString()));
        command.addAll(extra);
        return new ProcessBuilder(command)
                .redirectOutput(work.resolve(name + ".out").toFile())
                .redirectError(work.resolve(name + ".err").toFile())
                .start();
    }

    private static JsonNode run(Process process, Path out) throws Exception {
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "replay finishes");
        assertEquals(0, process.exitValue(), "exit code; stderr beside " + out);
        String stdout = Files.readString(out, StandardCharsets.UTF_8).strip();
        assertEquals(1, stdout.lines().count(), "one line of JSON on stdout");
        return Json.read(stdout, JsonNode.class);
    }
}
