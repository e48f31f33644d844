package dev.perch.bench;

import dev.perch.ApplicationProperties;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.streams.PerchTopology;
import dev.perch.streams.TopologySettings;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.jboss.logmanager.LogContext;

import java.util.Properties;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One topology instance in a process of its own, for {@link TopologyTakeover} to kill with SIGKILL:
 * {@code TopologyInstance BOOTSTRAP APPLICATION_ID STATE_DIR}. Prints {@code RUNNING} once Streams runs,
 * then runs until killed.
 */
public final class TopologyInstance {
    private TopologyInstance() {
    }

    public static void main(String[] args) throws Exception {
        try (KafkaStreams streams = new KafkaStreams(
                PerchTopology.build(TopologySettings.defaults(ScenarioReader.defaultCatalog())),
                properties(args[0], args[1], args[2]))) {
            streams.start();
            while (streams.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(20);
            }
            System.out.println("RUNNING");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /**
     * The {@code kafka-streams.*} settings of Perch's own application.properties (exactly-once, commit
     * interval, session timeout…), for one instance of a shared application id: the instances under
     * test are configured as the ones users run.
     */
    public static Properties properties(String bootstrap, String applicationId, String stateDir) {
        Properties application = ApplicationProperties.load();
        logLikeTheApplication(application);
        Properties props = new Properties();
        for (String key : application.stringPropertyNames()) {
            if (key.startsWith(PREFIX)) {
                props.put(key.substring(PREFIX.length()), application.getProperty(key));
            }
        }
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        return props;
    }

    /**
     * The log levels of Perch's own application.properties ({@code quarkus.log.category."…".level}):
     * outside Quarkus, the log manager on the class path keeps every level, and Kafka's trace
     * messages, formatted for nothing, would cost the instances under test what they never cost
     * in the application.
     */
    static void logLikeTheApplication(Properties application) {
        LogContext logs = LogContext.getLogContext();
        logs.getLogger("").setLevel(Level.INFO);
        Matcher category = Pattern.compile("quarkus\\.log\\.category\\.\"([^\"]+)\"\\.level").matcher("");
        for (String key : application.stringPropertyNames()) {
            if (key.startsWith("%") || !category.reset(key).matches()) {
                continue;
            }
            logs.getLogger(category.group(1)).setLevel(logs.getLevelForName(application.getProperty(key).trim()));
        }
    }

    private static final String PREFIX = "kafka-streams.";
}
