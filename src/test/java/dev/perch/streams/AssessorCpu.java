package dev.perch.streams;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.perch.bench.TopologyThroughput;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.TelemetryParser;
import dev.perch.telemetry.TelemetryReport;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The assessor's own work per report, without Kafka: parse, fold, the window trigger, the window's
 * prediction and alerts, their JSON and the log entry — what {@code TopologyThroughput}'s stream
 * thread does besides Kafka's part, on the same 100 Edge TPUs × 8 apps. Rounds of 200,000 reports;
 * each prints the thread's CPU and allocation per report. With {@code write}: one prediction record of those written
 * with Jackson's own double writer and with Perch's mapper, alternately, CPU per record. A quick A/B
 * for a change to the per-report path (seconds, where the broker bench takes minutes); its figures
 * move ±15 % between runs here, so compare several runs of each side, alternately.
 *
 * <pre>mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.streams.AssessorCpu -Dbench=10   # or -Dbench=write</pre>
 */
public final class AssessorCpu {
    static final int PER_ROUND = 200_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<String, AppRecord> table = new HashMap<>();
    private final Assessment assessment = new Assessment(TopologySettings.defaults(ScenarioReader.defaultCatalog()));
    private final Map<String, AcceleratorState> states = new HashMap<>();
    private final Map<String, OpenWindow> open = new HashMap<>();
    private final SplittableRandom random = new SplittableRandom(1);
    private PredictionRecord lastPrediction;
    /** Reports kept to weigh a log entry by. */
    private static final int LAST_REPORTS = 1_000;
    private final List<TelemetryReport> lastReports = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        AssessorCpu bench = new AssessorCpu();
        if (args.length > 0 && args[0].equals("write")) {
            bench.round(0);
            bench.write();
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        for (int round = 0; round < rounds; round++) {
            Round done = bench.round(round);
            System.out.printf(Locale.ROOT, "round %d: %.1f µs of CPU a report, %d bytes allocated a report (%d bytes written)%n",
                    round, done.cpuNanos() / 1e3 / PER_ROUND, done.allocatedBytes() / PER_ROUND, done.bytesWritten());
        }
        bench.sizes();
    }

    /** What a checkpoint writes against what the log holds in between (Assessor.CHECKPOINT_ENTRIES). */
    private void sizes() {
        var serializer = new AcceleratorStateSerde().serializer();
        double stateBytes = states.values().stream().mapToInt(s -> serializer.serialize(Assessor.STATE_STORE, s).length)
                .average().orElse(0);
        double entryBytes = lastReports.stream().mapToInt(r -> LoggedReports.write(r).length).average().orElse(0);
        System.out.printf(Locale.ROOT, "an accelerator's state: %.0f bytes (%d apps); a logged report: %.0f bytes%n",
                stateBytes, TopologyThroughput.APPS_PER_ACCELERATOR, entryBytes);
    }

    /** What a round wrote, and its thread's CPU and allocation (the one that moves less between runs). */
    private record Round(long bytesWritten, long cpuNanos, long allocatedBytes) {
    }

    private AssessorCpu() {
        for (int accelerator = 0; accelerator < TopologyThroughput.ACCELERATORS; accelerator++) {
            for (int app = 0; app < TopologyThroughput.APPS_PER_ACCELERATOR; app++) {
                AppRecord record = TopologyThroughput.app(accelerator, app);
                table.put(record.app(), record);
            }
        }
    }

    /** One round of reports, as TopologyThroughput publishes them. */
    private Round round(int round) {
        byte[][] payloads = new byte[PER_ROUND][];
        for (int j = 0; j < PER_ROUND; j++) {
            payloads[j] = Json.writeBytes(TopologyThroughput.report(round * PER_ROUND + j, random));
        }
        long bytes = 0;
        long allocatedBefore = allocated();
        long start = THREADS.getCurrentThreadCpuTime();
        for (byte[] payload : payloads) {
            bytes += report(payload);
        }
        long cpu = THREADS.getCurrentThreadCpuTime() - start;
        return new Round(bytes, cpu, allocated() - allocatedBefore);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) THREADS).getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** One report as the intake and the assessor take it (but for de-duplication and the stores); the bytes written. */
    private long report(byte[] payload) {
        TelemetryReport report = ((TelemetryParser.Result.Valid) TelemetryParser.parse(payload)).report();
        if (lastReports.size() < LAST_REPORTS) {
            lastReports.add(report);
        }
        String id = report.accelerator();
        AcceleratorState state = states.get(id);
        OpenWindow window = open.get(id);
        long bytes = 0;
        if (WindowTrigger.closesOpen(window, report)) {
            Assessment.Outcome outcome = assessment.close(state, window, table::get, null);
            bytes += written(outcome);
            state = outcome.state();
            window = null;
        }
        state = assessment.fold(state, report, table::get);
        window = WindowTrigger.after(state, window, report);
        bytes += LoggedReports.write(report).length;
        if (WindowTrigger.complete(state, window, table::get)) {
            Assessment.Outcome outcome = assessment.close(state, window, table::get, null);
            bytes += written(outcome);
            state = outcome.state();
            window = null;
        }
        states.put(id, state);
        open.put(id, window);
        return bytes;
    }

    private long written(Assessment.Outcome outcome) {
        lastPrediction = outcome.prediction();
        long bytes = Json.writeBytes(outcome.prediction()).length;
        for (var alert : outcome.alerts()) {
            bytes += Json.writeBytes(alert).length;
        }
        return bytes;
    }

    /** The last prediction record written 50,000 times by each mapper, alternately, eight times. */
    private void write() throws Exception {
        ObjectMapper jackson = JsonMapper.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
                .serializationInclusion(JsonInclude.Include.NON_NULL).build();
        System.out.printf(Locale.ROOT, "a prediction record of %d apps, %d bytes%n", lastPrediction.apps().size(),
                Json.writeBytes(lastPrediction).length);
        for (int round = 0; round < 8; round++) {
            for (ObjectMapper mapper : new ObjectMapper[]{jackson, Json.MAPPER}) {
                long start = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < 50_000; i++) {
                    mapper.writeValueAsBytes(lastPrediction);
                }
                System.out.printf(Locale.ROOT, "%s: %.1f µs of CPU a record%n",
                        mapper == jackson ? "Jackson's double writer" : "Perch's mapper",
                        (THREADS.getCurrentThreadCpuTime() - start) / 1e3 / 50_000);
            }
        }
    }
}
