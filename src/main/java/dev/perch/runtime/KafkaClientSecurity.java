package dev.perch.runtime;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How every Kafka client of Perch authenticates and encrypts: the {@code security.protocol},
 * {@code sasl.*} and {@code ssl.*} client settings, from Quarkus's and Kafka's usual places — the
 * {@code kafka.*} settings ({@code -Dkafka.sasl.mechanism=...}) and their environment variables
 * ({@code KAFKA_SASL_MECHANISM}), read the way Quarkus reads them into its {@code default-kafka-broker}
 * map ({@code KAFKA_} dropped, lower case, {@code _} to {@code .}), which the Streams topology and the
 * controller's channels take theirs from. Code that builds its own clients — before Quarkus starts
 * ({@code run}'s topic check, {@code agent}) or inside it (the drivers, the sender, the health check) —
 * takes them from here, so that there is one reading of them.
 *
 * <p>{@link #toString()} and {@link #describe()} never show a password or the JAAS configuration.
 */
public record KafkaClientSecurity(Map<String, String> settings) {
    /** No settings: Kafka's defaults, a PLAINTEXT connection. */
    public static final KafkaClientSecurity NONE = new KafkaClientSecurity(Map.of());

    private static final Set<String> PREFIXES = Set.of("security.protocol", "sasl.", "ssl.");
    private static final Pattern USERNAME = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

    public KafkaClientSecurity {
        settings = Map.copyOf(settings);
    }

    /** From the {@code -Dkafka.*} system properties over the {@code KAFKA_*} environment variables. */
    public static KafkaClientSecurity fromEnvironment() {
        return fromEnvironment(System.getProperties(), System.getenv());
    }

    public static KafkaClientSecurity fromEnvironment(Properties systemProperties, Map<String, String> environment) {
        Map<String, String> settings = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.toUpperCase(Locale.ROOT).startsWith("KAFKA_")) {
                put(settings, name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        systemProperties.stringPropertyNames().forEach(name -> {
            if (name.startsWith("kafka.")) {
                put(settings, name.substring("kafka.".length()), systemProperties.getProperty(name));
            }
        });
        return new KafkaClientSecurity(settings);
    }

    /** From Quarkus's {@code default-kafka-broker} map (every {@code kafka.*} setting, prefix dropped). */
    public static KafkaClientSecurity from(Map<String, ?> kafka) {
        Map<String, String> settings = new HashMap<>();
        kafka.forEach((key, value) -> put(settings, key, value == null ? null : String.valueOf(value)));
        return new KafkaClientSecurity(settings);
    }

    /** An empty value is kept, as Quarkus keeps it: {@code ssl.endpoint.identification.algorithm=} turns host name checks off. */
    private static void put(Map<String, String> settings, String key, String value) {
        if (value != null && PREFIXES.stream().anyMatch(key::startsWith)) {
            settings.put(key, value.strip());
        }
    }

    /** A client's settings: {@code bootstrapServers} and these; a fresh map the caller may add to. */
    public Map<String, Object> clientSettings(String bootstrapServers) {
        Map<String, Object> client = new HashMap<>(settings);
        client.put("bootstrap.servers", bootstrapServers);
        return client;
    }

    /** These settings over {@code more}: a fresh map the caller may add to. */
    public Map<String, Object> over(Map<String, Object> more) {
        Map<String, Object> client = new HashMap<>(more);
        client.putAll(settings);
        return client;
    }

    public String protocol() {
        String protocol = settings.getOrDefault("security.protocol", "");
        return protocol.isBlank() ? "PLAINTEXT" : protocol.toUpperCase(Locale.ROOT);
    }

    public boolean secured() {
        return !"PLAINTEXT".equals(protocol());
    }

    /** The SASL mechanism (Kafka's default GSSAPI when none is set). */
    public String mechanism() {
        String mechanism = settings.getOrDefault("sasl.mechanism", "");
        return mechanism.isBlank() ? "GSSAPI" : mechanism;
    }

    /** The user the JAAS configuration names, or empty. */
    public Optional<String> user() {
        Matcher m = USERNAME.matcher(settings.getOrDefault("sasl.jaas.config", ""));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** What the connection is, without a secret: "SASL_SSL, SCRAM-SHA-512, user perch". */
    public String describe() {
        StringBuilder text = new StringBuilder(protocol());
        if (protocol().startsWith("SASL")) {
            text.append(", ").append(mechanism()).append(user().map(u -> ", user " + u).orElse(""));
        }
        if (protocol().endsWith("SSL")) {
            text.append(Optional.ofNullable(settings.get("ssl.truststore.location")).map(t -> ", trusting " + t)
                    .orElse(", trusting the JVM's CAs"));
        }
        return text.toString();
    }

    /**
     * A setting that cannot work, said before any client is made (Kafka's own message for it names
     * a JAAS file, not the setting): a SASL protocol without {@code sasl.jaas.config}, an unknown protocol.
     */
    public Optional<String> problem() {
        if (!Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").contains(protocol())) {
            return Optional.of("kafka.security.protocol (KAFKA_SECURITY_PROTOCOL) is '" + protocol()
                    + "', not one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
        }
        if (protocol().startsWith("SASL") && settings.getOrDefault("sasl.jaas.config", "").isBlank() && !"GSSAPI".equals(mechanism())) {
            return Optional.of("kafka.security.protocol is " + protocol() + " but kafka.sasl.jaas.config"
                    + " (KAFKA_SASL_JAAS_CONFIG) is not set: Perch has no credentials to give");
        }
        return Optional.empty();
    }

    /**
     * Why Kafka refused the connection, in one line that names the cause, when {@code failure} (or a
     * cause of it) is Kafka's authentication failure; empty for any other failure.
     */
    public Optional<String> refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SaslAuthenticationException) {
                return Optional.of("Kafka refused Perch's SASL credentials (" + mechanism() + user().map(u -> ", user " + u).orElse("")
                        + "): " + firstLine(t));
            }
            if (t instanceof SslAuthenticationException) {
                return Optional.of("Kafka's TLS certificate is not trusted: " + firstLine(innermost(t))
                        + " (truststore " + settings.getOrDefault("ssl.truststore.location", "of the JVM") + ")");
            }
            if (t instanceof AuthenticationException) {
                return Optional.of("Kafka refused Perch's connection (" + describe() + "): " + firstLine(t));
            }
        }
        return Optional.empty();
    }

    /**
     * Why a client for {@code bootstrapServers} could not be made from these settings (a truststore that
     * cannot be read, a JAAS line that does not parse), on one line: the refusal when it is one, else
     * its causes.
     */
    public String unmadeClient(String bootstrapServers, KafkaException failure) {
        return refusal(failure).orElseGet(() -> "cannot connect to Kafka at " + bootstrapServers + " (" + describe() + "): "
                + causes(failure));
    }

    /**
     * What a client that could not be made says, on one line: each cause's own message, outermost
     * first, without the wrappers' "Failed to create new ..." and the class names Kafka prefixes.
     */
    public static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = safe(firstLine(t).replaceFirst("^([\\w$]+\\.)+[\\w$]+: ", ""));
            if (!message.startsWith("Failed to create new ") && text.indexOf(message) < 0) {
                text.append(text.isEmpty() ? "" : ": ").append(message);
            }
        }
        return text.isEmpty() ? safe(firstLine(failure)) : text.toString();
    }

    /**
     * A message about the JAAS configuration, said without its words: Kafka's parser quotes the word
     * it stumbled on ("Value not specified for key '…' in JAAS config"), and in a mistyped line that
     * word can be the password.
     */
    static String safe(String message) {
        return message.contains("JAAS config") ? "kafka.sasl.jaas.config cannot be parsed (its text is not shown: it holds the password)"
                : message;
    }

    private static Throwable innermost(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage();
        return message == null ? t.getClass().getSimpleName() : message.lines().findFirst().orElse("").strip();
    }

    /** The keys and what is safe of them: passwords and the JAAS configuration as {@code [hidden]}. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        settings.forEach((key, value) -> shown.put(key,
                key.contains("password") || key.contains("jaas") || key.endsWith(".key") || key.contains("certificate.chain") ? "[hidden]" : value));
        return "KafkaClientSecurity" + shown;
    }
}
