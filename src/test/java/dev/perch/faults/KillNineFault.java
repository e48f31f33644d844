package dev.perch.faults;

import dev.perch.FreePort;
import dev.perch.runtime.EmbeddedKafka;
import dev.perch.telemetry.Confidence;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.PredictionRecord.AppPrediction;
import dev.perch.telemetry.TelemetryParser;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code kill-9}: the packaged {@code demo --data-dir DIR} killed with SIGKILL mid-stream and started
 * again on the same directory, then stopped cleanly (TERM: the demo prints its summary).
 *
 * <p>Measured from the broker's own data afterwards (an embedded broker started on {@code DIR/kafka},
 * topics read {@code read_committed}): {@code reportsIn} is every telemetry record on the topic —
 * the first run's (written before the kill, by the records' create time) and the second run's on
 * top; {@code reportsCounted} the topology's own count at the end ({@code reportsCounted} of the
 * demo's summary, kept in its stores across the restart); {@code duplicates} the accelerator windows
 * in more than one committed prediction record; {@code recoverySec} from the restart until a watcher
 * saw the first prediction of a window of the second run. Learned state: each app's first prediction
 * of the second run on an accelerator against its last one before the kill there (service time and
 * rate within one standard error of before, and learned rather than the catalog's prior).
 *
 * <p>Run faster than real time ({@value #SPEED}×), as {@code --speed} allows: a demo's simulated
 * windows then run ahead of the wall clock, where a restart's new windows can collide with the
 * killed run's.
 */
final class KillNineFault implements Fault {
    private static final String SPEED = "4";
    /** Wall-clock seconds of telemetry before the kill, and of the second run. */
    private static final int FIRST_RUN_SEC = 20;
    private static final int SECOND_RUN_SEC = 30;
    private static final int SIGKILL_EXIT = 128 + 9;
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final List<String> problems = new ArrayList<>();

    @Override
    public String name() {
        return "kill-9";
    }

    @Override
    public List<String> findings() {
        return problems;
    }

    @Override
    public FaultResult run(FaultContext context) throws Exception {
        Path work = context.workDir();
        Path data = work.resolve("data");
        List<String> jvm = List.of("-Dquarkus.http.port=" + FreePort.pick());
        List<String> args = List.of("demo", "--data-dir", data.toString(), "--speed", SPEED);
        long killedAtMs;
        long restartAtMs;
        JsonNode summary;
        OptionalLong[] firstSeen = new OptionalLong[1];
        PredictionWatcher watcher = null;
        try (DemoLock lock = DemoLock.acquire(name())) {
            int killedExit;
            try (WatchedProcess first = WatchedProcess.start(context.jar(), jvm, args, Map.of(), work.resolve("first.log"))) {
                // The controller's first pass places the apps just before the first window goes out.
                if (!first.awaitLine("DECISION", START_TIMEOUT)) {
                    throw new IllegalStateException("the first demo did not start streaming:\n" + first.tail(20));
                }
                Thread.sleep(FIRST_RUN_SEC * 1000L);
                if (!first.alive()) {
                    throw new IllegalStateException("the first demo ended before the kill:\n" + first.tail(20));
                }
                killedExit = first.kill();
                killedAtMs = System.currentTimeMillis();
                if (!first.stdout().isBlank()) {
                    throw new IllegalStateException("the first demo answered before it was killed: " + first.stdout());
                }
            }
            if (killedExit != SIGKILL_EXIT) {
                throw new IllegalStateException("the first demo was not killed by SIGKILL: exit " + killedExit);
            }
            restartAtMs = System.currentTimeMillis();
            System.err.println("faults: " + name() + ": killed (exit " + SIGKILL_EXIT + ") at " + Instant.ofEpochMilli(killedAtMs)
                    + ", started again at " + Instant.ofEpochMilli(restartAtMs) + "; logs in " + work);
            int secondExit;
            String answer;
            try (WatchedProcess second = WatchedProcess.start(context.jar(), jvm, args, Map.of(), work.resolve("second.log"))) {
                watcher = PredictionWatcher.start("127.0.0.1:9092");
                if (!second.awaitLine("started in", START_TIMEOUT)) {
                    throw new IllegalStateException("the demo did not start again on the same directory:\n" + second.tail(20));
                }
                Thread.sleep(SECOND_RUN_SEC * 1000L);
                // TERM: the demo stops, prints its summary and shuts down in order.
                secondExit = second.stop(180, work.resolve("second-threads.txt"));
                answer = second.stdout();
                if (secondExit != 0 || answer.isBlank()) {
                    throw new IllegalStateException("the second demo did not end cleanly: exit " + secondExit + "\n" + second.tail(20));
                }
            } finally {
                if (watcher != null) {
                    watcher.close();
                }
            }
            summary = Json.read(answer.strip(), JsonNode.class);
        }
        List<ConsumerRecord<String, byte[]>> telemetry;
        List<ConsumerRecord<String, byte[]>> predictions;
        long alertsAfterRestart;
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, data.resolve("kafka"))) {
            telemetry = CommittedRecords.read(broker.bootstrapServers(), Topics.TELEMETRY);
            predictions = CommittedRecords.read(broker.bootstrapServers(), Topics.PREDICTIONS);
            long restartedMs = restartAtMs;
            alertsAfterRestart = CommittedRecords.read(broker.bootstrapServers(), Topics.ALERTS).stream()
                    .filter(r -> r.timestamp() >= restartedMs).count();
        }
        // The controller (what `run` would be) must hear what the restarted topology says.
        long alertsHeard = summary.path("alerts").asLong();
        if (alertsAfterRestart > 0 && alertsHeard == 0) {
            problems.add("the topology raised " + alertsAfterRestart + " alerts after the restart and the controller heard none");
        }
        FaultResult result = measure(telemetry, predictions, summary, killedAtMs, restartAtMs, watcher);
        return new FaultResult(result.fault(), result.reportsIn(), result.hostileIn(), result.reportsCounted(), result.duplicates(),
                null, null, result.outcome() + String.format(Locale.ROOT, "; the topology raised %d alerts after the restart, the restarted controller heard %d",
                alertsAfterRestart, alertsHeard), null, null, result.recoverySec());
    }

    private FaultResult measure(List<ConsumerRecord<String, byte[]>> telemetry, List<ConsumerRecord<String, byte[]>> predictions,
                                JsonNode summary, long killedAtMs, long restartAtMs, PredictionWatcher watcher) {
        long before = 0;
        long after = 0;
        long lastBeforeEndMs = Long.MIN_VALUE;
        long secondEpochMs = Long.MAX_VALUE;
        for (ConsumerRecord<String, byte[]> record : telemetry) {
            if (!(TelemetryParser.parse(record.value()) instanceof TelemetryParser.Result.Valid valid)) {
                problems.add("an invalid telemetry record at offset " + record.offset() + " of partition " + record.partition());
                continue;
            }
            TelemetryReport report = valid.report();
            if (record.timestamp() < killedAtMs) {
                before++;
                lastBeforeEndMs = Math.max(lastBeforeEndMs, report.windowEndMs());
            } else if (record.timestamp() >= restartAtMs) {
                after++;
                secondEpochMs = Math.min(secondEpochMs, report.windowStartMs());
            } else {
                problems.add("a telemetry record written between the kill and the restart, at " + record.timestamp());
            }
        }
        if (before == 0 || after == 0) {
            problems.add("telemetry of both runs expected, got " + before + " before the kill and " + after + " after");
        }
        if (secondEpochMs < lastBeforeEndMs) {
            problems.add(String.format(Locale.ROOT, "the second run's windows start %.1f s before the killed run's last window ended:"
                    + " its reports are taken for re-sends", (lastBeforeEndMs - secondEpochMs) / 1000.0));
        }
        Long reportsCounted = summary.hasNonNull("reportsCounted") ? summary.get("reportsCounted").asLong() : null;
        if (reportsCounted == null) {
            problems.add("the second run's summary has no reportsCounted: " + summary);
        }

        long duplicates = 0;
        Set<String> windows = new HashSet<>();
        // Per app and accelerator: its prediction in the last window before the second run, and in the first of it.
        Map<String, TreeMap<Long, AppPrediction>> byStream = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : predictions) {
            PredictionRecord prediction = Json.read(record.value(), PredictionRecord.class);
            if (!windows.add(prediction.accelerator() + "@" + prediction.windowStartMs())) {
                duplicates++;
            }
            for (AppPrediction app : prediction.apps()) {
                byStream.computeIfAbsent(app.app() + " on " + prediction.accelerator(), k -> new TreeMap<>())
                        .put(prediction.windowStartMs(), app);
            }
        }
        // The second run's own windows: from its simulated time 0, and none the killed run had (were they to overlap).
        long epochMs = Math.max(secondEpochMs, lastBeforeEndMs);
        OptionalLong firstSecondRunMs = watcher.firstSeenMs(windowStartMs -> windowStartMs >= epochMs);
        Double recoverySec = firstSecondRunMs.isPresent() ? (firstSecondRunMs.getAsLong() - restartAtMs) / 1000.0 : null;
        if (recoverySec == null) {
            problems.add("no prediction of the second run's windows was seen");
        }
        String outcome = String.format(Locale.ROOT, "killed after %d s at --speed %s; reportsIn = %d before the kill + %d of the second run"
                        + " (split by the records' create time); %s", FIRST_RUN_SEC, SPEED, before, after,
                resumed(byStream, epochMs));
        return new FaultResult(name(), before + after, 0L, reportsCounted, duplicates, null, null, outcome, null, null,
                recoverySec == null ? null : Math.round(recoverySec * 10) / 10.0);
    }

    /**
     * "resumed: N of M apps' learned service within 1 SE of before": for each app on an accelerator
     * predicted both before and after, the first prediction of the second run against the last one
     * before it; a prediction after that is back at the catalog's prior while the one before had
     * learned is a problem.
     */
    private String resumed(Map<String, TreeMap<Long, AppPrediction>> byStream, long epochMs) {
        int streams = 0;
        int serviceWithin = 0;
        int rateWithin = 0;
        List<String> notResumed = new ArrayList<>();
        for (var entry : new TreeMap<>(byStream).entrySet()) {
            var last = entry.getValue().lowerEntry(epochMs);
            var first = entry.getValue().ceilingEntry(epochMs);
            if (last == null || first == null) {
                continue;
            }
            streams++;
            AppPrediction was = last.getValue();
            AppPrediction is = first.getValue();
            Confidence confidence = was.confidence();
            Double serviceSe = confidence == null || confidence.service() == null ? null : confidence.service().serviceStdErrMs();
            if (was.serviceMs() != null && is.serviceMs() != null && serviceSe != null
                    && Math.abs(is.serviceMs() - was.serviceMs()) <= serviceSe) {
                serviceWithin++;
            } else {
                notResumed.add(String.format(Locale.ROOT, "%s service %s ms (%s) after %s ± %s ms (%s)", entry.getKey(),
                        is.serviceMs(), is.parameterSource(), was.serviceMs(), serviceSe, was.parameterSource()));
            }
            if (confidence != null && confidence.rate() != null
                    && Math.abs(is.ratePerSec() - was.ratePerSec()) <= confidence.rate().stdErrPerSec()) {
                rateWithin++;
            }
            if ("learned".equals(was.parameterSource()) && !"learned".equals(is.parameterSource())) {
                problems.add(entry.getKey() + ": learned service before the kill, " + is.parameterSource() + " after the restart");
            }
        }
        if (streams == 0) {
            problems.add("no app predicted on the same accelerator both before the kill and after the restart");
        }
        return String.format(Locale.ROOT, "resumed: %d of %d apps' learned service within 1 SE of before, rates %d of %d%s",
                serviceWithin, streams, rateWithin, streams, notResumed.isEmpty() ? "" : " (not: " + String.join("; ", notResumed) + ")");
    }
}
