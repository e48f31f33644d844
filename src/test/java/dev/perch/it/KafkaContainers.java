package dev.perch.it;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.kafka.ConfluentKafkaContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The Kafka broker of the container ITs, from the image named by {@value #IMAGE_PROPERTY} (default
 * {@value #DEFAULT_IMAGE}): a {@code confluentinc/cp-kafka} image runs in Testcontainers'
 * {@link ConfluentKafkaContainer}; any other in its {@link KafkaContainer}, declared a compatible
 * substitute for {@code apache/kafka} — the image {@code loadtests/testcontainers.sh} builds without a
 * registry ({@code perch/kafka-local:4.1.2}) and a Strimzi image ({@code quay.io/strimzi/kafka}),
 * which lacks apache/kafka's {@code /etc/kafka/docker/run} and is given the script the local image
 * has there ({@code loadtests/kafka-image/run}).
 */
record KafkaContainers(GenericContainer<?> container, Supplier<String> bootstrapServers) {
    static final String IMAGE_PROPERTY = "perch.it.kafka.image";
    static final String DEFAULT_IMAGE = "apache/kafka:4.1.2";
    /** apache/kafka's entrypoint, which KafkaContainer's start script calls. */
    private static final String APACHE_RUN = "/etc/kafka/docker/run";
    private static final Path LOCAL_RUN = Path.of("loadtests/kafka-image/run");

    /** The broker of the image the build was told to use. */
    static KafkaContainers fromSystemProperty() {
        return of(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE));
    }

    static KafkaContainers of(String image) {
        String name = image.toLowerCase(Locale.ROOT);
        if (name.contains("confluentinc/cp-kafka") || name.contains("cp-server")) {
            ConfluentKafkaContainer kafka = new ConfluentKafkaContainer(
                    DockerImageName.parse(image).asCompatibleSubstituteFor("confluentinc/cp-kafka"));
            return new KafkaContainers(kafka, kafka::getBootstrapServers);
        }
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("apache/kafka"));
        if (name.contains("strimzi")) {
            kafka.withEnv("KAFKA_HOME", "/opt/kafka")
                    .withCopyToContainer(Transferable.of(localRunScript(), 0755), APACHE_RUN);
        }
        return new KafkaContainers(kafka, kafka::getBootstrapServers);
    }

    private static String localRunScript() {
        try {
            return Files.readString(LOCAL_RUN);
        } catch (IOException e) {
            throw new UncheckedIOException("the entrypoint a Strimzi image is given, " + LOCAL_RUN, e);
        }
    }
}
