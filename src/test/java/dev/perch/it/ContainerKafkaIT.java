package dev.perch.it;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.util.Map;

/**
 * The packaged application against a real Kafka broker in a container, not its own embedded one:
 * {@code demo} of the one-app scenario {@code tiny-mixed}, pointed at the container by
 * {@code KAFKA_BOOTSTRAP_SERVERS}, runs the simulated cluster's telemetry through the Streams
 * topology (exactly-once, so the broker's transactions) and the controller, checked on the broker's
 * topics by {@link DemoAgainstKafka}. The image is {@value KafkaContainers#IMAGE_PROPERTY} (docs/testing.md); with no Docker
 * engine reachable the test is skipped, never failed.
 */
@ExtendWith(NoDockerEndpointCondition.class) // before @Testcontainers: skips without its ERROR where no engine can be
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaIT {
    private static final KafkaContainers KAFKA = KafkaContainers.fromSystemProperty();

    @Container
    private static final GenericContainer<?> BROKER = KAFKA.container();

    @Test
    void theDemosTelemetryGoesThroughTheContainersBrokerToPredictionsAndAPlacement() throws Exception {
        String bootstrap = KAFKA.bootstrapServers().get();
        DemoAgainstKafka.runAndCheck(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap),
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }
}
