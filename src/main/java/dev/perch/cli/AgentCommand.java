package dev.perch.cli;

import dev.perch.agent.Agent;
import dev.perch.agent.AgentConfig;
import dev.perch.agent.AgentConfigException;
import dev.perch.agent.AgentConfigReader;
import dev.perch.agent.AgentMetrics;
import dev.perch.agent.KafkaSink;
import dev.perch.agent.PrintSink;
import dev.perch.agent.WindowSink;
import dev.perch.runtime.AgentLaunch;
import dev.perch.runtime.KafkaAccessCheck;
import dev.perch.runtime.KafkaClientSecurity;
import dev.perch.runtime.Pipeline;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * {@code agent --config FILE [--print]}: the node agent, dispatched before Quarkus boots, since it
 * needs neither Streams nor the controller's HTTP server — it serves a port of its own. It publishes
 * to Kafka ({@code KAFKA_BOOTSTRAP_SERVERS}, as every command) through the same producer settings as
 * the simulator and {@code replay}; with {@code --print} it publishes nothing and prints each window
 * as a JSON line on stdout. {@code --node} names the node over the config's {@code node}, so that one
 * config serves a DaemonSet; {@value AgentConfigReader#PUSH_TOKEN_ENV} in the environment sets the push
 * token. The parts the config asks for are started by {@link AgentLaunch}. Runs until stopped
 * (SIGTERM, Ctrl-C), then delivers what it buffered.
 */
final class AgentCommand {
    /** Like the simulator's: a few ms of batching, no window waits for long. */
    private static final int LINGER_MS = 5;
    /**
     * How long a send may wait for the topic's metadata: the producer's default minute would keep an
     * unreachable Kafka unsaid for that long; the sink retries anyway, and its buffer holds the windows.
     */
    private static final int MAX_BLOCK_MS = 5_000;

    private AgentCommand() {
    }

    static void agent(List<String> args) {
        logToStderr();
        Agent agent = start(args, System.out, System::currentTimeMillis);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "perch-agent-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Held, so that the levels set on them are not lost with a collected logger. */
    private static final List<Logger> QUIETED = new ArrayList<>();

    /**
     * Quarkus, which configures logging for the other commands, never boots here: the agent's lines
     * go to stderr through a console handler of its own, one line each, so that stdout holds only
     * {@code --print}'s JSON. The Kafka client's own warnings are left out — it repeats one for every
     * reconnection to an unreachable broker — since the sink says once when publishing fails and
     * once when it recovers.
     */
    private static void logToStderr() {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        ConsoleHandler console = new ConsoleHandler(); // System.err
        console.setLevel(Level.INFO);
        console.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord record) {
                String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
                return String.format(Locale.ROOT, "%1$tF %1$tT %2$s [%3$s] %4$s%5$s%n", record.getMillis(),
                        record.getLevel().getName(), logger.substring(logger.lastIndexOf('.') + 1), formatMessage(record),
                        record.getThrown() == null ? "" : ": " + record.getThrown());
            }
        });
        root.addHandler(console);
        root.setLevel(Level.INFO);
        Logger kafka = Logger.getLogger("org.apache.kafka");
        kafka.setLevel(Level.SEVERE);
        QUIETED.add(kafka);
        // It logs a refused authentication as an error on every try; the agent says it once, at
        // start-up (KafkaAccessCheck) or when publishing fails (the sink).
        Logger networkClient = Logger.getLogger("org.apache.kafka.clients.NetworkClient");
        networkClient.setLevel(Level.OFF);
        QUIETED.add(networkClient);
    }

    /**
     * Reads the options and the config and starts the agent.
     *
     * @throws UsageException on bad options, a bad config, no Kafka without {@code --print}, or a
     *                        port that cannot be bound
     */
    static Agent start(List<String> args, PrintStream out, LongSupplier clockMs) {
        return start(args, out, clockMs, System.getenv());
    }

    static Agent start(List<String> args, PrintStream out, LongSupplier clockMs, Map<String, String> environment) {
        List<String> rest = new ArrayList<>(args);
        boolean print = rest.removeIf("--print"::equals);
        Options options = Options.parse(rest, Set.of("config", "node"));
        String file = options.get("config").orElseThrow(() -> new UsageException("--config FILE is required"));
        AgentConfig config;
        try {
            config = AgentConfigReader.load(Path.of(file),
                    AgentConfigReader.Overrides.of(options.get("node").orElse(null), environment));
        } catch (AgentConfigException e) {
            throw new UsageException(e.getMessage());
        }
        String bootstrap = PipelineBoot.configuredBootstrapServers();
        if (bootstrap == null && (!print || config.followApps())) {
            throw new UsageException(print
                    ? "followApps reads Perch's placements from Kafka: set KAFKA_BOOTSTRAP_SERVERS (or -Dkafka.bootstrap.servers)"
                    : "agent publishes to Kafka: set KAFKA_BOOTSTRAP_SERVERS (or -Dkafka.bootstrap.servers),"
                    + " or add --print to print the windows instead");
        }
        KafkaClientSecurity security = bootstrap == null ? KafkaClientSecurity.NONE : PipelineBoot.configuredSecurity(true);
        if (bootstrap != null && security.secured()) {
            // Refused credentials or an untrusted certificate do not pass with time, unlike a Kafka away.
            KafkaAccessCheck.refusal(bootstrap, security, Duration.ofMillis(MAX_BLOCK_MS)).ifPresent(refusal -> {
                throw new UsageException(refusal);
            });
        }
        AgentMetrics metrics = new AgentMetrics();
        WindowSink sink = print ? new PrintSink(out, metrics)
                : new KafkaSink(Pipeline.telemetryProducer(bootstrap, security, "perch-agent-" + config.node(), LINGER_MS,
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS)), metrics, KafkaSink.DEFAULT_BUFFER_WINDOWS);
        try {
            return AgentLaunch.start(config, sink, metrics, clockMs, bootstrap, security.over(Map.of()));
        } catch (AgentConfigException e) {
            sink.close();
            throw new UsageException(e.getMessage());
        }
    }
}
