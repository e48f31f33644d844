package dev.perch.runtime;

import dev.perch.FreePort;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A send that fails never reaches the controller: it is counted, and the health check says so until sends succeed again. */
class RecordSenderTest {
    private final MockProducer<String, String> producer = new MockProducer<>(false, null, new StringSerializer(), new StringSerializer());
    private final RecordSender sender = new RecordSender(producer);

    @Test
    void failedDeliveriesAreCountedAndReportedUntilOneSucceeds() {
        sender.send("t", "a", "1");
        sender.send("t", "a", "2");
        sender.send("t", "a", "3");
        assertTrue(producer.errorNext(new TimeoutException("Expiring 1 record(s): 120000 ms has passed")));
        assertTrue(producer.errorNext(new TimeoutException("Expiring 1 record(s): 120000 ms has passed")));
        assertEquals(2, sender.failedRecords());
        assertTrue(sender.failure().orElseThrow().contains("Expiring"), sender.failure().toString());
        assertEquals(HealthCheckResponse.Status.DOWN, health().getStatus());

        assertTrue(producer.completeNext());
        assertTrue(sender.failure().isEmpty(), "a delivered record ends the failure");
        assertEquals(HealthCheckResponse.Status.UP, health().getStatus());
        assertEquals(2, sender.failedRecords(), "the count stays, over the sender's life");
    }

    @Test
    void aSendThatThrowsIsCountedNotThrown() {
        producer.sendException = new TimeoutException("Topic perch.decisions.v1 not present in metadata after 10000 ms.");
        sender.send("perch.decisions.v1", "a", "1");
        producer.flushException = new IllegalStateException("Cannot perform operation after producer has been closed");
        sender.flush();
        assertEquals(2, sender.failedRecords());
        assertTrue(sender.failure().isPresent());
    }

    @Test
    void withNoBrokerASendFailsWithinItsBoundAndSaysSo() {
        int port = FreePort.pick(); // nothing listens there
        try (RecordSender real = RecordSender.create(Map.of("bootstrap.servers", "127.0.0.1:" + port,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 300))) {
            real.send("perch.decisions.v1", "a", "1");
            assertEquals(1, real.failedRecords());
            assertTrue(real.failure().orElseThrow().contains("perch.decisions.v1"), real.failure().toString());
        }
    }

    @Test
    void theProducerIsIdempotentAndWaitsBoundedlyWhateverTheSharedSettingsSay() {
        Map<String, Object> settings = RecordSender.settings(Map.of("bootstrap.servers", "k:9092", "group.id", "perch",
                "acks", "1", "enable.idempotence", "false", "security.protocol", "SSL"));
        assertEquals("k:9092", settings.get("bootstrap.servers"));
        assertEquals("SSL", settings.get("security.protocol"), "connection settings shared with every client");
        assertFalse(settings.containsKey("group.id"), "a consumer's setting is left out");
        assertEquals("all", settings.get(ProducerConfig.ACKS_CONFIG));
        assertEquals(true, settings.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
        assertEquals(RecordSender.MAX_BLOCK_MS, settings.get(ProducerConfig.MAX_BLOCK_MS_CONFIG));
    }

    private HealthCheckResponse health() {
        OutputsHealth check = new OutputsHealth();
        check.sender = sender;
        return check.call();
    }
}
