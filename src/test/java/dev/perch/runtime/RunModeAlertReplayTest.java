package dev.perch.runtime;

import dev.perch.cli.PerchMain;
import dev.perch.controller.AlertTally;
import dev.perch.controller.RecentDecisions;
import dev.perch.kubernetes.InferenceApp;
import dev.perch.kubernetes.KubernetesFixtures;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.Topics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code run} mode's reading of alerts, the whole application against the embedded broker and the
 * mock API server: an alert raised ten minutes before the replica started — the topology alerts on a
 * change of state only, so nothing will repeat it — is still known, not taken for news, and
 * answered once its app's latest prediction window still puts it at risk.
 */
@QuarkusTest
@TestProfile(RunModeAlertReplayTest.RunMode.class)
class RunModeAlertReplayTest {
    static final String APP = "cam-9";
    static final String ACCELERATOR = "pi-9/tpu0";

    public static class RunMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(PerchMain.RUN_CONSUMERS);
            config.putAll(Map.of("perch.mode", "run", "perch.kubernetes.namespace", "edge", "perch.kubernetes.loop-sec", "0.2",
                    "perch.kubernetes.identity", "replica-replay", "perch.cooldown-sec", "1"));
            return config;
        }

        /**
         * Its own broker, with the earlier alert on it, instead of the one the other tests share (a
         * global resource); the mock API server, in CRUD mode by default, as the annotation gives it.
         */
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EarlierAlert.class), new TestResourceEntry(KubernetesServerTestResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    /** The broker, with an impending alert for {@value #APP} on the topic before the application starts. */
    public static class EarlierAlert extends EmbeddedKafkaResource {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = super.start();
            long windowEndMs = System.currentTimeMillis() - 600_000;
            AlertRecord alert = new AlertRecord(AlertRecord.SCHEMA, APP + ":" + windowEndMs + ":impending", AlertRecord.IMPENDING,
                    APP, ACCELERATOR, "pi-9", 200, "mean", 230.0, 240.0, 0.0, 150.0, windowEndMs,
                    "predicted mean 230 ms over the 200 ms SLO");
            try (KafkaProducer<String, byte[]> producer = producer(config.get("kafka.bootstrap.servers"))) {
                producer.send(new ProducerRecord<>(Topics.ALERTS, APP, Json.writeBytes(alert))).get();
            } catch (Exception e) {
                throw new IllegalStateException("cannot publish the earlier alert", e);
            }
            return config;
        }
    }

    static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringSerializer(), new ByteArraySerializer());
    }

    @Inject
    KubernetesClient client;
    @Inject
    RecentDecisions decisions;
    @Inject
    AlertTally tally;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void anAlertRaisedBeforeTheReplicaStartedIsAnsweredWhileItsAppIsStillAtRisk() throws Exception {
        KubernetesFixtures.acceleratorNode(client, "pi-9", "edgetpu");
        client.resources(InferenceApp.class).inNamespace("edge").resource(KubernetesFixtures.app(APP, "mobilenet_v2", 200.0))
                .create();
        awaitDecision(d -> d.action().equals("place") ? Optional.of(d) : Optional.empty(), "the app placed");

        // Its accelerator's latest window: predicted over the SLO (nothing else runs there to move).
        long now = System.currentTimeMillis();
        var entry = new PredictionRecord.AppPrediction(APP, "mobilenet_v2", 40, 0.0, 4.0, 10.0, 0.1, "learned", 1.0,
                230.0, null, null, null, null, 150.0, null, 150.0, 200.0, "mean", false);
        PredictionRecord window = new PredictionRecord(PredictionRecord.SCHEMA, ACCELERATOR, "edgetpu", "pi-9", now - 1000, now,
                0.95, true, null, List.of(entry));
        try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
            producer.send(new ProducerRecord<>(Topics.PREDICTIONS, ACCELERATOR, Json.writeBytes(window))).get();
        }

        DecisionRecord answer = awaitDecision(d -> d.trigger() != null && d.trigger().contains("alert still open")
                ? Optional.of(d) : Optional.empty(), "the earlier alert answered");
        assertEquals(APP, answer.app());
        assertEquals("none", answer.action(), "a single accelerator: nowhere to go, and the decision says so");
        assertTrue(answer.trigger().contains("predicted mean 230 ms over the 200 ms SLO"), answer.trigger());
        assertEquals(0, tally.alerts(), "an alert read again at start-up is not counted as news");
    }

    private DecisionRecord awaitDecision(java.util.function.Function<DecisionRecord, Optional<DecisionRecord>> match, String what)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            for (DecisionRecord decision : decisions.latest(RecentDecisions.CAPACITY)) {
                Optional<DecisionRecord> found = match.apply(decision);
                if (found.isPresent()) {
                    return found.get();
                }
            }
            Thread.sleep(100);
        }
        fail(what + ": not within 30 s; decisions " + decisions.latest(20));
        return null;
    }
}
