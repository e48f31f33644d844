package dev.perch.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.runtime.Pipeline;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code flood}: 100,000 telemetry records, every other one hostile (every kind the issue names,
 * spread evenly, and a few near the broker's record size limit), sent as fast as one producer
 * manages into a running topology. Every hostile record must be on the dead-letter topic with a
 * reason that says what is wrong with it, every fair one counted once. {@code reportsPerSec} is the
 * topology's rate under the flood — records from the first sent to the commit past the last — and
 * {@code baselineReportsPerSec} the same topology's on the fair records alone, measured first in the
 * same run on a broker of its own, after a warm-up on a third.
 */
final class FloodFault implements Fault {
    static final int RECORDS = 100_000;
    /** Records near the size limit among the hostile ones: a few, each a megabyte. */
    static final int NEAR_LIMIT_RECORDS = 6;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    private static final int WARM_UP_RECORDS = 20_000;

    private final List<String> findings = new ArrayList<>();

    @Override
    public String name() {
        return "flood";
    }

    @Override
    public List<String> findings() {
        return findings;
    }

    @Override
    public FaultResult run(FaultContext context) throws Exception {
        long nowMs = System.currentTimeMillis();
        int fairRecords = RECORDS / 2;
        // Fair windows end before now: the last of each stream's 500 ends 10 s ago.
        HostileTelemetry telemetry = new HostileTelemetry(nowMs - (fairRecords / HostileTelemetry.STREAMS) * 1000L - 10_000);

        // The JVM warmed up first (the topology, the broker and the producer all run in it), so that
        // neither rate pays for compiling what the other then finds compiled.
        try (TopologyRig rig = TopologyRig.start(context.workDir().resolve("warm-up"), "perch-flood-warm-up")) {
            send(rig, n -> telemetry.fair(n), WARM_UP_RECORDS);
            rig.awaitCommittedPastEnd(DRAIN_TIMEOUT);
        }
        Sent baseline;
        double baselinePerSec;
        try (TopologyRig rig = TopologyRig.start(context.workDir().resolve("baseline"), "perch-flood-baseline")) {
            baseline = send(rig, n -> telemetry.fair(n), fairRecords);
            boolean drained = rig.awaitCommittedPastEnd(DRAIN_TIMEOUT);
            baselinePerSec = baseline.records() / ((System.nanoTime() - baseline.firstSentNs()) / 1e9);
            if (!drained) {
                findings.add("the baseline topology did not drain its " + baseline.records() + " fair records within "
                        + DRAIN_TIMEOUT.toSeconds() + " s (state " + rig.state() + ")");
            }
            long counted = rig.reportsCounted();
            if (counted != baseline.fairAcked()) {
                findings.add("the baseline topology counted " + counted + " of " + baseline.fairAcked() + " fair reports");
            }
        }

        long nearLimitEvery = fairRecords / NEAR_LIMIT_RECORDS;
        try (TopologyRig rig = TopologyRig.start(context.workDir().resolve("flood"), "perch-flood")) {
            Sent flood = send(rig, n -> n % 2 == 0 ? telemetry.fair(n / 2) : telemetry.hostile(n / 2, nearLimitEvery, nowMs),
                    RECORDS);
            boolean drained = rig.awaitCommittedPastEnd(DRAIN_TIMEOUT);
            double floodPerSec = flood.records() / ((System.nanoTime() - flood.firstSentNs()) / 1e9);
            String outcome;
            if (drained) {
                outcome = "drained";
            } else {
                outcome = "the topology did not commit past the flood within " + DRAIN_TIMEOUT.toSeconds() + " s: state "
                        + rig.state();
                findings.add(outcome);
            }
            long counted = rig.reportsCounted();
            long duplicates = rig.duplicates();
            List<ConsumerRecord<String, byte[]>> letters = rig.committed(Topics.DLQ);
            outcome += "; " + checkLetters(letters, flood);
            return new FaultResult(name(), flood.acked(), flood.hostileAcked(), counted, duplicates, (long) letters.size(),
                    null, outcome, round(floodPerSec), round(baselinePerSec), null);
        }
    }

    /** What was sent, as the producer's callbacks acknowledged it. */
    private record Sent(long records, long firstSentNs, long acked, long hostileAcked, long fairAcked,
                        Map<String, HostileTelemetry.Kind> hostileAt, Map<String, Long> refusedBySender) {
    }

    private interface Source {
        HostileTelemetry.Telemetry get(long n);
    }

    /**
     * Sends {@code records} records as fast as one producer manages (large batches, no waiting per
     * record) and waits for every acknowledgement; remembers where each hostile record landed.
     */
    private static Sent send(TopologyRig rig, Source source, int records) throws Exception {
        AtomicLong acked = new AtomicLong();
        AtomicLong hostileAcked = new AtomicLong();
        AtomicLong fairAcked = new AtomicLong();
        Map<String, HostileTelemetry.Kind> hostileAt = new ConcurrentHashMap<>();
        Map<String, Long> refused = new ConcurrentHashMap<>();
        AtomicReference<Exception> firstRefusal = new AtomicReference<>();
        long firstSentNs;
        try (KafkaProducer<String, byte[]> producer = Pipeline.telemetryProducer(rig.bootstrap(), "perch-flood-producer", 5,
                Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024))) {
            firstSentNs = System.nanoTime();
            for (long n = 0; n < records; n++) {
                HostileTelemetry.Telemetry record = source.get(n);
                producer.send(new ProducerRecord<>(Topics.TELEMETRY, record.key(), record.value()), (metadata, error) -> {
                    if (error != null) {
                        refused.merge(error.getClass().getSimpleName(), 1L, Long::sum);
                        firstRefusal.compareAndSet(null, error);
                        return;
                    }
                    acked.incrementAndGet();
                    if (record.kind() == null) {
                        fairAcked.incrementAndGet();
                    } else {
                        hostileAcked.incrementAndGet();
                        hostileAt.put(metadata.partition() + "@" + metadata.offset(), record.kind());
                    }
                });
            }
            producer.flush();
        }
        if (!refused.isEmpty()) {
            System.err.println("faults: flood: the producer had records refused (not counted in reportsIn): " + refused
                    + ", first: " + firstRefusal.get());
        }
        return new Sent(records, firstSentNs, acked.get(), hostileAcked.get(), fairAcked.get(), hostileAt, refused);
    }

    /**
     * Each dead letter against the hostile record it stands for (by partition and offset): its reason
     * must say what is wrong with that kind of record, and a letter whose payload was cut must say so.
     * Returns the tally by kind; what does not hold is a finding.
     */
    private String checkLetters(List<ConsumerRecord<String, byte[]>> letters, Sent sent) {
        Map<HostileTelemetry.Kind, long[]> byKind = new EnumMap<>(HostileTelemetry.Kind.class);
        long unexplained = 0;
        long strangers = 0;
        long largestLetterBytes = 0;
        List<String> examples = new ArrayList<>();
        Map<String, HostileTelemetry.Kind> missing = new ConcurrentHashMap<>(sent.hostileAt());
        for (ConsumerRecord<String, byte[]> record : letters) {
            largestLetterBytes = Math.max(largestLetterBytes, record.serializedValueSize());
            JsonNode letter = Json.read(record.value(), JsonNode.class);
            String reason = letter.path("reason").asText(null);
            String at = letter.path("partition").asInt() + "@" + letter.path("offset").asLong();
            HostileTelemetry.Kind kind = missing.remove(at);
            if (kind == null) {
                strangers++;
                if (examples.size() < 5) {
                    examples.add("a dead letter for no hostile record (" + at + "): " + reason);
                }
                continue;
            }
            byKind.computeIfAbsent(kind, k -> new long[1])[0]++;
            if (!kind.explains(reason)) {
                unexplained++;
                if (examples.size() < 5) {
                    examples.add(kind + " dead-lettered as: " + shorten(reason));
                }
            }
        }
        if (unexplained > 0) {
            findings.add(unexplained + " dead letters whose reason does not say what is wrong, e.g. " + examples);
        }
        if (strangers > 0) {
            findings.add(strangers + " dead letters of fair records, e.g. " + examples);
        }
        if (!missing.isEmpty()) {
            Map<HostileTelemetry.Kind, Long> missed = new EnumMap<>(HostileTelemetry.Kind.class);
            missing.values().forEach(kind -> missed.merge(kind, 1L, Long::sum));
            findings.add(missing.size() + " hostile records not dead-lettered, by kind: " + missed);
        }
        StringBuilder tally = new StringBuilder("dead letters by kind:");
        byKind.forEach((kind, count) -> tally.append(' ').append(kind.name().toLowerCase(Locale.ROOT)).append('=').append(count[0]));
        return tally.append("; largest dead letter ").append(largestLetterBytes).append(" bytes").toString();
    }

    private static String shorten(String text) {
        return text == null || text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    private static double round(double perSec) {
        return Math.round(perSec * 10) / 10.0;
    }
}
