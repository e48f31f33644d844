package dev.perch.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.runtime.Pipeline;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.MeanSummary;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code clock-skew}: four nodes publish their apps' telemetry in real time, one window a second,
 * each app with an SLO in the apps table (one app a node over it, so that alerts are decided); one
 * node's clock runs 30 s ahead and one's 30 s behind. Every report must be counted in its own
 * window time (each prediction record's window is one its accelerator's node reported) or refused
 * with a reason — the contract refuses only windows more than an hour ahead, so none here — and the
 * skewed nodes' apps must raise no more alerts than they do in the same run without skew, done next
 * on a broker of its own.
 */
final class ClockSkewFault implements Fault {
    private static final long SKEW_MS = 30_000;
    private static final int SECONDS = 40;
    private static final int APPS_PER_NODE = 3;
    /** The contract's bound on a window ahead of the topology's time (docs/contract.md): past it a report is refused. */
    private static final long REFUSED_AHEAD_MS = 3_600_000;
    private static final Map<String, Long> NODES = nodes();

    private final List<String> findings = new ArrayList<>();

    /**
     * The nodes and their clocks' skew; each right node's accelerator shares its telemetry partition
     * with a skewed one's, so that the skew meets the partition's window time (what ages and refuses).
     */
    private static Map<String, Long> nodes() {
        Map<String, Long> nodes = new TreeMap<>();
        nodes.put("ahead", SKEW_MS);
        nodes.put("behind", -SKEW_MS);
        int k = 0;
        for (String skewed : List.of("ahead", "behind")) {
            while (partition(accelerator("right-" + k)) != partition(accelerator(skewed))) {
                k++;
            }
            nodes.put("right-" + k++, 0L);
        }
        return nodes;
    }

    /** The telemetry partition of an accelerator, as Kafka's default partitioner hashes a key. */
    private static int partition(String accelerator) {
        return Utils.toPositive(Utils.murmur2(accelerator.getBytes(StandardCharsets.UTF_8))) % Topics.DEFAULT_TELEMETRY_PARTITIONS;
    }

    @Override
    public String name() {
        return "clock-skew";
    }

    @Override
    public List<String> findings() {
        return findings;
    }

    @Override
    public FaultResult run(FaultContext context) throws Exception {
        Run skewed = run(context, "skewed", true);
        Run straight = run(context, "straight", false);
        String alerts = String.format(Locale.ROOT, "%d alerts for the skewed nodes' apps vs %d without skew, %d for the "
                        + "others vs %d (%s vs %s)", skewed.skewedAlerts(), straight.skewedAlerts(), skewed.otherAlerts(),
                straight.otherAlerts(), skewed.alertKinds(), straight.alertKinds());
        // A storm: more alerts than the run without skew raises, on the skewed nodes or on the others.
        if (skewed.skewedAlerts() > straight.skewedAlerts() || skewed.otherAlerts() > straight.otherAlerts()) {
            findings.add("alert storm: " + alerts);
        }
        if (straight.skewedAlerts() + straight.otherAlerts() == 0) {
            findings.add("no alerts even without skew: the apps over their SLO raised none, so the comparison shows nothing");
        }
        String counted = skewed.foreignWindows() == 0 && skewed.counted() == skewed.in() - skewed.hostile()
                ? "counted in own window time" : skewed.foreignWindows() + " prediction windows no node of the accelerator reported";
        return new FaultResult(name(), skewed.in(), skewed.hostile(), skewed.counted(), skewed.duplicates(),
                skewed.deadLetters(), null, counted + ", " + alerts + "; " + skewed.refusals() + "; nodes " + NODES
                        + " (skew ms; right ones share a skewed one's telemetry partition)", null, null, null);
    }

    private record Run(long in, long hostile, long counted, long duplicates, long deadLetters, long foreignWindows,
                       long skewedAlerts, long otherAlerts, Map<String, Long> alertKinds, String refusals) {
    }

    private Run run(FaultContext context, String name, boolean skew) throws Exception {
        try (TopologyRig rig = TopologyRig.start(context.workDir().resolve(name), "perch-skew-" + name);
             KafkaProducer<String, byte[]> producer = Pipeline.telemetryProducer(rig.bootstrap(), "perch-skew-nodes", 5)) {
            long nowMs = System.currentTimeMillis();
            for (String node : NODES.keySet()) {
                for (int a = 0; a < APPS_PER_NODE; a++) {
                    AppRecord app = new AppRecord(AppRecord.SCHEMA, app(node, a), "mobilenet_v2", 5.0, sloMs(a), "p95", 10,
                            node, accelerator(node), null, nowMs);
                    producer.send(new ProducerRecord<>(Topics.APPS, app.app(), Json.writeBytes(app))).get();
                }
            }
            // The apps table reaches the topology's global store before the first report.
            Thread.sleep(2_000);
            AtomicLong acked = new AtomicLong();
            AtomicLong hostile = new AtomicLong();
            Map<String, Set<Long>> sentWindows = new HashMap<>();
            long firstSecond = System.currentTimeMillis() / 1000 + 1;
            for (int s = 0; s < SECONDS; s++) {
                long wallMs = (firstSecond + s) * 1000;
                Thread.sleep(Math.max(0, wallMs - System.currentTimeMillis()));
                for (Map.Entry<String, Long> node : NODES.entrySet()) {
                    long skewMs = skew ? node.getValue() : 0;
                    // The window that just ended by the node's clock.
                    long startMs = wallMs + skewMs - 1000;
                    boolean refused = startMs - wallMs > REFUSED_AHEAD_MS;
                    sentWindows.computeIfAbsent(accelerator(node.getKey()), k -> new HashSet<>()).add(startMs);
                    for (int a = 0; a < APPS_PER_NODE; a++) {
                        producer.send(new ProducerRecord<>(Topics.TELEMETRY, accelerator(node.getKey()),
                                Json.writeBytes(report(node.getKey(), a, startMs, s))), (metadata, error) -> {
                            if (error == null) {
                                acked.incrementAndGet();
                                if (refused) {
                                    hostile.incrementAndGet();
                                }
                            }
                        });
                    }
                }
                producer.flush();
            }
            if (!rig.awaitCommittedPastEnd(Duration.ofMinutes(2))) {
                findings.add(name + " run: the topology did not commit past the telemetry within 2 minutes (" + rig.state() + ")");
            }
            // The last window is predicted once its reports stop coming (0.5 s of wall-clock time), then committed.
            Thread.sleep(3_000);
            return tally(rig, name, acked.get(), hostile.get(), sentWindows);
        }
    }

    private Run tally(TopologyRig rig, String name, long in, long hostile, Map<String, Set<Long>> sentWindows) throws Exception {
        long foreign = 0;
        for (ConsumerRecord<String, byte[]> record : rig.committed(Topics.PREDICTIONS)) {
            JsonNode prediction = Json.read(record.value(), JsonNode.class);
            long startMs = prediction.path("windowStartMs").asLong();
            if (!sentWindows.getOrDefault(prediction.path("accelerator").asText(), Set.of()).contains(startMs)) {
                foreign++;
                if (foreign <= 3) {
                    findings.add(name + " run: a prediction of " + prediction.path("accelerator").asText() + " for window "
                            + startMs + ", which its node never reported");
                }
            }
        }
        long skewedAlerts = 0;
        long otherAlerts = 0;
        Map<String, Long> kinds = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> record : rig.committed(Topics.ALERTS)) {
            JsonNode alert = Json.read(record.value(), JsonNode.class);
            String app = alert.path("app").asText();
            if (app.startsWith("ahead-") || app.startsWith("behind-")) {
                skewedAlerts++;
            } else {
                otherAlerts++;
            }
            kinds.merge(alert.path("kind").asText(), 1L, Long::sum);
        }
        List<ConsumerRecord<String, byte[]>> letters = rig.committed(Topics.DLQ);
        Map<String, Long> reasons = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> letter : letters) {
            String reason = Json.read(letter.value(), JsonNode.class).path("reason").asText();
            reasons.merge(reason.length() > 80 ? reason.substring(0, 80) + "…" : reason, 1L, Long::sum);
        }
        return new Run(in, hostile, rig.reportsCounted(), rig.duplicates(), letters.size(), foreign, skewedAlerts,
                otherAlerts, kinds, letters.isEmpty() ? "none refused" : "refused: " + reasons);
    }

    private static String app(String node, int index) {
        return node + "-cam-" + index;
    }

    private static String accelerator(String node) {
        return node + "/tpu0";
    }

    /** The second app of each node is over its SLO: 80 ms at p95 against 50; the others well under theirs. */
    private static double sloMs(int app) {
        return app == 1 ? 50 : 150;
    }

    private static TelemetryReport report(String node, int app, long startMs, int second) {
        double p95 = app == 1 ? 80 : 30 + 10 * app;
        // A little variation from second to second, the same in both runs.
        double mean = p95 / 2 + (second % 5);
        return new TelemetryReport(TelemetryReport.SCHEMA, node, accelerator(node), "edgetpu", app(node, app), "mobilenet_v2",
                startMs, startMs + 1000, 5, new LatencySummary(mean, mean, p95, p95 * 1.1, p95 * 1.2), new MeanSummary(5.0),
                new MeanSummary(mean - 5), 0L);
    }
}
