package dev.perch.runtime;

import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.MeanSummary;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A demo started again on kept data (after a kill -9, a stop) goes on after the windows it published
 * before: its new reports are new, and the topology, which drops a report whose window starts inside
 * time it has counted, must not take them for re-sends. A run faster than real time gets ahead of the
 * wall clock, which is where a restart at "now" collided with it.
 */
class SimulatedEpochTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aDemoStartedAgainAfterARunAheadOfTheWallClockStartsAfterItsLastWindow() throws Exception {
        Scenario scenario = ScenarioReader.load("default");
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, null)) {
            String bootstrap = broker.bootstrapServers();
            TopicAdmin.ensureTopics(bootstrap);
            long firstStartMs = System.currentTimeMillis();
            long firstEpochMs = SimulatedEpoch.forDemo(bootstrap, scenario, firstStartMs, TIMEOUT);
            assertEquals(firstStartMs / 1000 * 1000, firstEpochMs, "fresh data: simulated time 0 is now");

            // The first run, as at --speed max: two simulated minutes in far less wall-clock time.
            long lastEndMs = Long.MIN_VALUE;
            SimulatedCluster first = placed(scenario, firstEpochMs);
            try (KafkaProducer<String, byte[]> producer = Pipeline.telemetryProducer(bootstrap, "first-run", 5)) {
                for (int window = 0; window < 120; window++) {
                    for (TelemetryReport report : first.advanceWindow()) {
                        producer.send(new ProducerRecord<>(Topics.TELEMETRY, report.accelerator(), Json.writeBytes(report)));
                        lastEndMs = Math.max(lastEndMs, report.windowEndMs());
                    }
                }
                producer.flush();
            }
            assertTrue(lastEndMs > System.currentTimeMillis() + 60_000, "the first run got ahead of the wall clock");

            SimulatedCluster second = placed(scenario, SimulatedEpoch.forDemo(bootstrap, scenario, System.currentTimeMillis(), TIMEOUT));
            List<TelemetryReport> firstWindow = second.advanceWindow();
            assertEquals(scenario.apps().size(), firstWindow.size());
            for (TelemetryReport report : firstWindow) {
                assertTrue(report.windowStartMs() >= lastEndMs, "the second run's first window " + report.windowStartMs()
                        + " starts inside the first run's, which ended at " + lastEndMs + ": its reports would be dropped as re-sends");
            }
            assertEquals(lastEndMs, firstWindow.get(0).windowStartMs(), "and goes on right after it");
        }
    }

    @Test
    void onlyTheScenariosOwnValidReportsSayWhereTheLastRunEnded() throws Exception {
        Scenario scenario = ScenarioReader.load("default");
        long nowMs = System.currentTimeMillis();
        long ownEndMs = nowMs / 1000 * 1000 + 3_600_000;
        try (EmbeddedKafka broker = EmbeddedKafka.start(0, null);
             KafkaProducer<String, byte[]> producer = Pipeline.telemetryProducer(broker.bootstrapServers(), "others", 0)) {
            TopicAdmin.ensureTopics(broker.bootstrapServers());
            assertEquals(OptionalLong.empty(), SimulatedEpoch.latestWindowEndMs(broker.bootstrapServers(), scenario, TIMEOUT),
                    "nothing on the topic");
            producer.send(record(report("cam-1", "pi-1/tpu0", ownEndMs))).get();
            // Another producer's app, an app of the scenario on an accelerator it does not have, and a broken record, later still.
            producer.send(record(report("someone-else", "pi-1/tpu0", ownEndMs + 7_200_000))).get();
            producer.send(record(report("cam-1", "elsewhere/tpu0", ownEndMs + 7_200_000))).get();
            producer.send(new ProducerRecord<>(Topics.TELEMETRY, "pi-1/tpu0",
                    "{\"windowEndMs\": 99999999999999".getBytes(StandardCharsets.UTF_8))).get();

            assertEquals(OptionalLong.of(ownEndMs), SimulatedEpoch.latestWindowEndMs(broker.bootstrapServers(), scenario, TIMEOUT));
        }
        assertEquals(nowMs / 1000 * 1000, SimulatedEpoch.startMs(nowMs, OptionalLong.of(nowMs - 5_000)), "a window in the past: now");
        assertEquals(nowMs / 1000 * 1000 + 61_000, SimulatedEpoch.startMs(nowMs, OptionalLong.of(nowMs / 1000 * 1000 + 60_500)),
                "a window ahead: the next whole second after it");
    }

    /** The default scenario's apps where the demo's first pass puts them. */
    private static SimulatedCluster placed(Scenario scenario, long epochMs) {
        SimulatedCluster cluster = new SimulatedCluster(scenario, 1, epochMs, 2000);
        Map<String, String> placement = Map.of("cam-1", "pi-1/tpu0", "cam-2", "nano-1/gpu0", "cam-3", "pi-2/tpu0",
                "cam-4", "pi-2/tpu0", "cam-5", "nano-2/gpu0", "cam-6", "nano-2/gpu0", "cam-7", "nano-2/gpu0", "cam-8", "pi-2/tpu0");
        for (AppSpec app : scenario.apps()) {
            cluster.apply(new PlanStep.Place(app.app(), placement.get(app.app())));
        }
        return cluster;
    }

    private static TelemetryReport report(String app, String accelerator, long windowEndMs) {
        return new TelemetryReport(TelemetryReport.SCHEMA, accelerator.substring(0, accelerator.indexOf('/')), accelerator,
                "edgetpu", app, "mobilenet_v2", windowEndMs - 1000, windowEndMs, 5, new LatencySummary(20.0, 20.0, 30.0, 40.0, 40.0),
                new MeanSummary(5.0), new MeanSummary(10.0), 0L);
    }

    private static ProducerRecord<String, byte[]> record(TelemetryReport report) {
        return new ProducerRecord<>(Topics.TELEMETRY, report.accelerator(), Json.writeBytes(report));
    }
}
