package dev.perch.runtime;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaClientSecurityTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"perch\" password=\"s3cret\";";

    private static KafkaClientSecurity scram() {
        return KafkaClientSecurity.fromEnvironment(new Properties(), Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9093",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", JAAS,
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/perch/kafka-ca/ca.crt",
                "KAFKA_HEAP_OPTS", "-Xmx1g",
                "PATH", "/usr/bin"));
    }

    @Test
    void theEnvironmentVariablesBecomeKafkasClientSettingsAsQuarkusNamesThem() {
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS,
                "ssl.truststore.type", "PEM", "ssl.truststore.location", "/etc/perch/kafka-ca/ca.crt"), scram().settings());
    }

    @Test
    void aSystemPropertyWinsOverItsEnvironmentVariable() {
        Properties system = new Properties();
        system.setProperty("kafka.sasl.mechanism", "SCRAM-SHA-256");
        system.setProperty("kafka.bootstrap.servers", "elsewhere:9092");
        KafkaClientSecurity security = KafkaClientSecurity.fromEnvironment(system,
                Map.of("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-256"), security.settings());
    }

    @Test
    void quarkusKafkaMapGivesTheSameSettings() {
        Map<String, Object> quarkus = Map.of("bootstrap.servers", "kafka:9093", "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS, "ssl.truststore.type", "PEM",
                "ssl.truststore.location", "/etc/perch/kafka-ca/ca.crt", "streams.application.id", "x");
        assertEquals(scram(), KafkaClientSecurity.from(quarkus));
    }

    @Test
    void aClientsSettingsAreTheAddressAndTheSecurity() {
        Map<String, Object> client = scram().clientSettings("kafka:9093");
        assertEquals("kafka:9093", client.get("bootstrap.servers"));
        assertEquals("SASL_SSL", client.get("security.protocol"));
        assertEquals(6, client.size());
        client.put("client.id", "x"); // the caller's to add to
    }

    @Test
    void whatItSaysOfItselfHoldsNoSecret() {
        KafkaClientSecurity security = scram();
        assertEquals("SASL_SSL, SCRAM-SHA-512, user perch, trusting /etc/perch/kafka-ca/ca.crt", security.describe());
        assertFalse(security.toString().contains("s3cret"), security.toString());
        assertTrue(security.toString().contains("sasl.jaas.config=[hidden]"), security.toString());
        assertEquals("PLAINTEXT", KafkaClientSecurity.NONE.describe());
        assertFalse(KafkaClientSecurity.NONE.secured());
    }

    @Test
    void settingsThatCannotWorkAreSaidBeforeAnyClientIsMade() {
        assertEquals(Optional.empty(), scram().problem());
        assertEquals(Optional.empty(), KafkaClientSecurity.NONE.problem());
        String noCredentials = KafkaClientSecurity.fromEnvironment(new Properties(),
                Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")).problem().orElseThrow();
        assertTrue(noCredentials.contains("KAFKA_SASL_JAAS_CONFIG"), noCredentials);
        String typo = KafkaClientSecurity.fromEnvironment(new Properties(), Map.of("KAFKA_SECURITY_PROTOCOL", "SASL-SSL"))
                .problem().orElseThrow();
        assertTrue(typo.contains("'SASL-SSL'"), typo);
    }

    @Test
    void aRefusalNamesItsCauseInOneLine() {
        KafkaClientSecurity security = scram();
        ExecutionException wrongPassword = new ExecutionException(new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"));
        assertEquals(Optional.of("Kafka refused Perch's SASL credentials (SCRAM-SHA-512, user perch): Authentication failed"
                + " during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"), security.refusal(wrongPassword));

        SslAuthenticationException untrusted = new SslAuthenticationException("SSL handshake failed",
                new SSLHandshakeException("PKIX path building failed: unable to find valid certification path to requested target"));
        assertEquals(Optional.of("Kafka's TLS certificate is not trusted: PKIX path building failed: unable to find valid"
                + " certification path to requested target (truststore /etc/perch/kafka-ca/ca.crt)"), security.refusal(untrusted));

        assertEquals(Optional.empty(), security.refusal(new TimeoutException("Timed out waiting for a node assignment")));
        assertEquals(Optional.empty(), security.refusal(new KafkaException("Failed to construct kafka producer")));
    }

    @Test
    void anEmptyValueIsKeptAsQuarkusKeepsIt() {
        KafkaClientSecurity security = KafkaClientSecurity.fromEnvironment(new Properties(),
                Map.of("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", ""));
        assertEquals(Map.of("security.protocol", "SSL", "ssl.endpoint.identification.algorithm", ""), security.settings());
        assertEquals(KafkaClientSecurity.from(Map.of("security.protocol", "SSL", "ssl.endpoint.identification.algorithm", "")), security);
    }

    @Test
    void aClientThatCouldNotBeMadeSaysWhyInOneLine() {
        // The chain Kafka 4.1's Admin.create throws for a PEM truststore that is not there.
        var missing = new java.nio.file.NoSuchFileException("/etc/perch/kafka-ca/ca.crt");
        var unread = new java.io.IOException("Unable to read file /etc/perch/kafka-ca/ca.crt", missing);
        var invalid = new org.apache.kafka.common.errors.InvalidConfigurationException(
                "Failed to load PEM SSL keystore /etc/perch/kafka-ca/ca.crt", unread);
        var failure = new KafkaException("Failed to create new KafkaAdminClient",
                new KafkaException("Failed to create new NetworkClient", new KafkaException(invalid)));
        assertEquals("Failed to load PEM SSL keystore /etc/perch/kafka-ca/ca.crt: Unable to read file /etc/perch/kafka-ca/ca.crt",
                KafkaClientSecurity.causes(failure));
    }

    /**
     * A mistyped JAAS line (the password's key left out) makes Kafka's own parser quote the
     * password as the key it stumbled on; the one line Perch says of it does not repeat it.
     */
    @Test
    void aJaasLineThatDoesNotParseIsSaidWithoutItsWords() {
        KafkaClientSecurity security = new KafkaClientSecurity(Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"perch\" \"s3cret-77\";"));
        KafkaException failure = org.junit.jupiter.api.Assertions.assertThrows(KafkaException.class,
                () -> org.apache.kafka.clients.admin.Admin.create(security.clientSettings("127.0.0.1:1")).close());
        assertTrue(stackText(failure).contains("s3cret-77"), "Kafka's own message quotes it, which is why Perch hides it");
        String said = KafkaClientSecurity.causes(failure);
        assertFalse(said.contains("s3cret-77"), said);
        assertTrue(said.contains("kafka.sasl.jaas.config cannot be parsed"), said);
    }

    private static String stackText(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append('\n');
        }
        return text.toString();
    }
}
