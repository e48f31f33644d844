package dev.perch.runtime;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A real Apache Kafka broker inside this JVM: one combined KRaft node (broker and controller)
 * listening on 127.0.0.1. Its storage is formatted in code with Kafka's own {@link StorageTool} when
 * the log directory is empty, so a restart on the same directory resumes from the data it holds.
 *
 * <p>Used by {@code demo} when no Kafka is configured, and by the tests on a free port.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int port;
    private final KafkaRaftServer server;

    private EmbeddedKafka(Path dataDir, boolean deleteOnClose, int port, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
        this.server = server;
    }

    /**
     * Starts a broker.
     *
     * @param port    the client port on 127.0.0.1; 0 picks a free one
     * @param dataDir where the broker keeps its log; {@code null} for a fresh temporary directory that
     *                is deleted on close
     */
    public static EmbeddedKafka start(int port, Path dataDir) {
        return start(port, dataDir, null);
    }

    /**
     * How a secured broker's client listener is set: SASL_SSL, SCRAM-SHA-512 with one user, and the
     * broker's key and certificate in a PKCS12 keystore. Brokers reach each other (here: the broker
     * itself, for transaction markers) over a PLAINTEXT listener on 127.0.0.1 of its own.
     */
    public record Secured(Path keystore, String keystorePassword, String user, String password) {
        @Override
        public String toString() {
            return "Secured[keystore=" + keystore + ", user=" + user + "]"; // never the passwords
        }
    }

    /**
     * Starts a broker whose client port is SASL_SSL as {@code secured} says (PLAINTEXT when null), its
     * user's SCRAM credentials formatted into its metadata with Kafka's own {@link StorageTool}.
     */
    public static EmbeddedKafka start(int port, Path dataDir, Secured secured) {
        try {
            boolean temporary = dataDir == null;
            Path dir = temporary ? Files.createTempDirectory("perch-kafka-") : dataDir;
            Path logDir = dir.resolve("kafka-logs");
            Files.createDirectories(logDir);
            int[] free = freePorts(3, port);
            int clientPort = port == 0 ? free[0] : port;
            int controllerPort = free[1];
            Properties props = brokerProperties(logDir, clientPort, controllerPort);
            if (secured != null) {
                secure(props, secured, clientPort, free[2], controllerPort);
            }
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(dir, props, secured);
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            return new EmbeddedKafka(dir, temporary, clientPort, server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    /** A one-node combined KRaft broker's settings, PLAINTEXT on 127.0.0.1 (tests build other listeners on them). */
    static Properties brokerProperties(Path logDir, int clientPort, int controllerPort) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        // One broker: every internal topic has one replica; exactly-once needs the transaction log ones.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("auto.create.topics.enable", "false");
        // Consumers of a one-node demo need not wait for more members to join.
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        // The log cleaner's offset map is a heap array of this size, held for the process's life: the
        // broker's default (128 MiB) was half of the demo's whole live heap at mixed-100. 16 MiB maps
        // some 600,000 keys per cleaning pass; a log with more is cleaned in more passes.
        props.put("log.cleaner.dedupe.buffer.size", Long.toString(16L * 1024 * 1024));
        return props;
    }

    private static void secure(Properties props, Secured secured, int clientPort, int internalPort, int controllerPort) {
        props.put("listeners", "SASL_SSL://127.0.0.1:" + clientPort + ",PLAINTEXT://127.0.0.1:" + internalPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + clientPort + ",PLAINTEXT://127.0.0.1:" + internalPort);
        props.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        props.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        props.put("ssl.keystore.type", "PKCS12");
        props.put("ssl.keystore.location", secured.keystore().toString());
        props.put("ssl.keystore.password", secured.keystorePassword());
        props.put("ssl.key.password", secured.keystorePassword());
    }

    private static void format(Path dir, Properties props, Secured secured) throws IOException {
        Path config = dir.resolve("server.properties");
        try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(out, "Perch embedded Kafka broker");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", config.toString(), "--ignore-formatted"));
        if (secured != null) {
            args.addAll(List.of("--add-scram", "SCRAM-SHA-512=[name=" + secured.user() + ",password=" + secured.password() + "]"));
        }
        int code = StorageTool.execute(args.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException("formatting Kafka storage failed: " + output.toString(StandardCharsets.UTF_8).strip());
        }
    }

    /**
     * {@code count} distinct free ports on 127.0.0.1, none of them {@code taken} (a port the caller
     * chose, free now but not held), all bound at once before any is released: one socket at a time,
     * the system may hand the same port out twice, and the broker then refuses two listeners on one port.
     */
    public static int[] freePorts(int count, int taken) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            int found = 0;
            while (found < count) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("127.0.0.1", 0));
                if (socket.getLocalPort() != taken) {
                    ports[found++] = socket.getLocalPort();
                }
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // A socket that would not close is the system's to reclaim; the ports are found.
                }
            }
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind is harmless
            }
        }
    }
}
