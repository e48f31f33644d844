package dev.perch.cli;

import dev.perch.controller.Policy;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.Scenario;
import dev.perch.placement.PlacementPolicy;
import dev.perch.model.profile.ScenarioException;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.model.profile.ScenarioWriter;
import dev.perch.runtime.BrokerHolder;
import dev.perch.runtime.EmbeddedKafka;
import dev.perch.runtime.Speed;
import dev.perch.runtime.TopicAdmin;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.RecordedRequest;
import dev.perch.telemetry.RecordingReader;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;

/**
 * Perch's command line. Dispatches before Quarkus boots, so that a command that needs no broker,
 * Streams or HTTP server starts none, and so that {@code demo} can start its embedded broker before
 * the Kafka clients are configured.
 *
 * <pre>
 * demo [--scenario NAME|NAME:N|FILE] [--seed N] [--speed 1|X|max] [--duration D] [--data-dir DIR] [--policy perch|reactive]
 *      [--consolidate true|false] [--print-scenario FILE]
 * predict --file FILE|-
 * validate --recording FILE [--format perch|ibis] [--catalog FILE]
 * replay --recording FILE [--format perch|ibis] [--speed X] [--data-dir DIR]
 * evaluate [--scenario NAME|NAME:N|FILE] [--strategies a,b,...] [--seed N] [--plot out.png] [--print-scenario FILE]
 * run [--namespace NS] [--dry-run true|false] [--approval true|false] [--consolidate true|false] [--state-dir DIR]
 * </pre>
 */
@QuarkusMain
public class PerchMain {
    /**
     * How {@code run} reads alerts and predictions, each replica in groups of its own.
     * Predictions start at the latest offset: the next windows say all a replica needs, and a day of
     * them is not replayed on every restart. Alerts are read from the start of the topic (a week)
     * on every start, committing nothing: the topology alerts on a change of state only, so an app
     * that went at risk before this replica started is known from its open alert alone. Those
     * earlier alerts are neither counted nor acted on as they stand ({@code Reconciler#raisedBeforeStart});
     * the loop answers those whose app is still at risk.
     */
    public static final Map<String, String> RUN_CONSUMERS = Map.of(
            "mp.messaging.incoming.predictions.auto.offset.reset", "latest",
            "mp.messaging.incoming.alerts.auto.offset.reset", "earliest",
            "mp.messaging.incoming.alerts.enable.auto.commit", "false",
            "mp.messaging.incoming.alerts.commit-strategy", "ignore");

    static final int BAD_INPUT = 2;

    public static void main(String... args) {
        if (args.length == 0 || Set.of("-h", "--help", "help").contains(args[0])) {
            System.err.println(usage());
            System.exit(args.length == 0 ? BAD_INPUT : 0);
        }
        String command = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (command) {
                case "demo" -> demo(rest);
                case "predict" -> predict(rest);
                case "validate" -> validate(rest);
                case "replay" -> replay(rest);
                case "evaluate" -> evaluate(rest);
                case "run" -> run(rest);
                default -> throw new UsageException("unknown command '" + command + "' (commands: demo, replay, predict, validate, evaluate, run; --help for usage)");
            }
        } catch (UsageException | ScenarioException e) {
            System.err.println("perch " + command + ": " + e.getMessage());
            System.exit(BAD_INPUT);
        }
    }

    /** Pure: reads a snapshot, prints predictions; no broker, Streams or HTTP server. */
    private static void predict(List<String> args) {
        Options options = Options.parse(args, Set.of("file"));
        String file = options.get("file").orElseThrow(() -> new UsageException("--file FILE (or - for stdin) is required"));
        String input;
        try {
            input = "-".equals(file) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UsageException("cannot read " + file + ": no such file");
        } catch (IOException | RuntimeException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
        System.out.println(PredictCommand.predict(input));
    }

    /** Pure: compares the models with a per-request recording; a report, so exit 0 whatever the errors. */
    private static void validate(List<String> args) {
        Options options = Options.parse(args, Set.of("recording", "format", "catalog"));
        Path recording = options.get("recording").map(Path::of)
                .orElseThrow(() -> new UsageException("--recording FILE is required"));
        RecordingReader.Format format;
        List<RecordedRequest> requests;
        ProfileCatalog catalog;
        try {
            format = RecordingReader.format(options.get("format").orElse("perch"));
            catalog = options.get("catalog").map(c -> ScenarioReader.loadCatalog(Path.of(c)))
                    .orElseGet(ScenarioReader::defaultCatalog);
            requests = RecordingReader.read(recording, format);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        System.out.println(Json.write(ValidateCommand.validate(requests, catalog)));
    }

    private static void demo(List<String> args) {
        DemoStart start = demoStart(args);
        start.properties().forEach(System::setProperty);
        bootPipeline("demo", start.dataDir());
    }

    /** What {@code demo} boots with: the properties it sets, and where it keeps its data. */
    record DemoStart(Map<String, String> properties, Optional<Path> dataDir) {
    }

    /**
     * Checks {@code demo}'s options (bad input ends here with exit 2, before anything starts) and
     * writes {@code --print-scenario}; starts and sets nothing.
     */
    static DemoStart demoStart(List<String> args) {
        Options options = Options.parse(args, Set.of("scenario", "seed", "speed", "duration", "data-dir", "policy", "consolidate",
                "print-scenario"));
        String scenario = options.get("scenario").orElse("default");
        // The simulated cluster loads the same name again (ClusterProducers), so this is the scenario that runs.
        Scenario loaded = ScenarioReader.load(scenario);
        long seed = options.getLong("seed", 1);
        String speed = options.get("speed").orElse("1");
        try {
            Speed.parse(speed);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        double durationSec = options.get("duration").map(d -> Options.parseDurationSec("duration", d)).orElse(0.0);
        Optional<Path> dataDir = options.get("data-dir").map(Path::of);
        String policy = options.get("policy").orElse("perch");
        try {
            Policy.parse(policy);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }

        Map<String, String> properties = new java.util.LinkedHashMap<>(switches(options,
                Map.of("consolidate", "perch.consolidation.enabled")));
        printScenario(options, loaded);
        properties.put("perch.mode", "demo");
        properties.put("perch.scenario", scenario);
        properties.put("perch.seed", Long.toString(seed));
        properties.put("perch.speed", speed);
        properties.put("perch.policy", policy);
        properties.put("perch.duration-sec", Double.toString(durationSec));
        return new DemoStart(properties, dataDir);
    }

    /** Pure: offers a scenario's apps to each strategy and lets the simulator judge; no broker, no HTTP. */
    private static void evaluate(List<String> args) {
        Options options = Options.parse(args, Set.of("scenario", "strategies", "seed", "plot", "print-scenario"));
        long seed = options.getLong("seed", 1);
        Scenario scenario = ScenarioReader.load(options.get("scenario").orElse("mixed"), seed);
        List<String> strategies = options.get("strategies").map(s -> List.of(s.split(","))).orElse(EvaluateCommand.defaultStrategyNames());
        for (String name : strategies) {
            if (!EvaluateCommand.strategyNames().contains(name.strip())) {
                throw new UsageException("--strategies: unknown strategy '" + name + "' (known: "
                        + String.join(", ", EvaluateCommand.strategyNames()) + ")");
            }
        }
        printScenario(options, scenario);
        EvaluateCommand.Report report;
        try {
            report = EvaluateCommand.evaluate(scenario, strategies.stream().map(String::strip).toList(), seed,
                    PlacementPolicy.DEFAULT, Progress.bar(System.err));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage()); // e.g. the oracle on an instance too large for it
        }
        System.out.println(Json.write(report));
        if (options.get("plot").isPresent()) {
            Path plot = Path.of(options.get("plot").get());
            try {
                EvaluationPlot.write(report, plot);
            } catch (java.io.IOException e) {
                throw new UsageException("--plot: cannot write " + plot + ": " + e.getMessage());
            }
            System.err.println("plot written to " + plot);
        }
    }

    /**
     * {@code --print-scenario FILE}: the scenario that runs, in the scenario format, so that
     * {@code --scenario FILE} runs it again (a generated one with its draw seed in its name).
     */
    private static void printScenario(Options options, Scenario scenario) {
        Optional<String> file = options.get("print-scenario");
        if (file.isEmpty()) {
            return;
        }
        try {
            ScenarioWriter.write(scenario, Path.of(file.get()));
        } catch (IOException | RuntimeException e) {
            throw new UsageException("--print-scenario: cannot write " + file.get() + ": " + e.getMessage());
        }
        System.err.println("scenario " + scenario.name() + " written to " + file.get());
    }

    /** Reads a recording into the real topology and prints what Perch learned from it. */
    private static void replay(List<String> args) {
        Options options = Options.parse(args, Set.of("recording", "format", "speed", "data-dir"));
        String recording = options.get("recording").orElseThrow(() -> new UsageException("--recording FILE is required"));
        String format = options.get("format").orElse("perch");
        try {
            RecordingReader.read(Path.of(recording), RecordingReader.format(format)); // bad input ends here, exit 2
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        double speed = 0;
        if (options.get("speed").isPresent()) {
            try {
                Speed parsed = Speed.parse(options.get("speed").get());
                speed = parsed.lockStep() ? 0 : parsed.factor();
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        System.setProperty("perch.mode", "replay");
        System.setProperty("perch.replay.recording", recording);
        System.setProperty("perch.replay.format", format);
        System.setProperty("perch.replay.speed", Double.toString(speed));
        bootPipeline("replay", options.get("data-dir").map(Path::of));
    }

    /** Each {@code --flag true|false} given sets its property; any other value is a usage error. */
    private static void setSwitches(Options options, Map<String, String> propertyOfFlag) {
        switches(options, propertyOfFlag).forEach(System::setProperty);
    }

    /** The property of each {@code --flag true|false} given, with its value; any other value is a usage error. */
    private static Map<String, String> switches(Options options, Map<String, String> propertyOfFlag) {
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        propertyOfFlag.forEach((flag, property) -> options.get(flag).ifPresent(value -> {
            if (!value.equals("true") && !value.equals("false")) {
                throw new UsageException("--" + flag + " must be true or false, got '" + value + "'");
            }
            properties.put(property, value);
        }));
        return properties;
    }

    /**
     * The production controller: Kafka from configuration ({@code KAFKA_BOOTSTRAP_SERVERS}), the
     * Kubernetes API server from the kubeconfig or the pod's service account, leader election among
     * replicas. Serves until stopped.
     */
    private static void run(List<String> args) {
        Options options = Options.parse(args, Set.of("namespace", "dry-run", "approval", "consolidate", "state-dir"));
        if (configuredBootstrapServers() == null) {
            throw new UsageException("run needs Kafka: set KAFKA_BOOTSTRAP_SERVERS (or -Dkafka.bootstrap.servers)");
        }
        options.get("namespace").ifPresent(ns -> System.setProperty("perch.kubernetes.namespace", ns));
        setSwitches(options, Map.of("dry-run", "perch.guards.dry-run", "approval", "perch.guards.approval",
                "consolidate", "perch.consolidation.enabled"));
        RUN_CONSUMERS.forEach((property, value) -> {
            if (System.getProperty(property) == null) {
                System.setProperty(property, value);
            }
        });
        System.setProperty("perch.mode", "run");
        bootPipeline("run", options.get("state-dir").map(Path::of));
    }

    /**
     * Starts the embedded broker unless Kafka is configured, creates the topics, and boots the
     * application (Streams, controller, HTTP) in the mode the caller set.
     */
    private static void bootPipeline(String command, Optional<Path> dataDir) {
        System.setProperty("kafka-streams.state.dir", streamsStateDir(dataDir).toString());
        String bootstrap = configuredBootstrapServers();
        if (bootstrap == null) {
            quietKafkaLogging();
            EmbeddedKafka broker;
            try {
                broker = EmbeddedKafka.start(9092, dataDir.map(d -> d.resolve("kafka")).orElse(null));
            } catch (RuntimeException e) {
                System.err.println("perch " + command + ": cannot start the embedded Kafka broker on 127.0.0.1:9092: "
                        + rootMessage(e));
                System.exit(1);
                return;
            }
            BrokerHolder.adopt(broker);
            bootstrap = broker.bootstrapServers();
            System.setProperty("kafka.bootstrap.servers", bootstrap);
        }
        TopicAdmin.ensureTopics(bootstrap);
        Quarkus.run(PerchApplication.class, (code, failure) -> {
            if (failure == null) {
                System.exit(code);
            }
            System.err.println("perch " + command + ": " + startupFailure(failure));
            // A setting that does not convert or validate is bad input, like a bad argument: exit 2.
            System.exit(badConfiguration(failure) ? BAD_INPUT : code == 0 ? 1 : code);
        });
    }

    /** A fresh broker gets fresh Streams state; a kept data directory keeps both. */
    private static Path streamsStateDir(Optional<Path> dataDir) {
        try {
            if (dataDir.isPresent()) {
                Path dir = dataDir.get().resolve("streams");
                Files.createDirectories(dir);
                return dir;
            }
            Path dir = Files.createTempDirectory("perch-streams-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UsageException("cannot create the Streams state directory: " + e.getMessage());
        }
    }

    private static String configuredBootstrapServers() {
        String property = System.getProperty("kafka.bootstrap.servers");
        if (property != null && !property.isBlank()) {
            return property;
        }
        String env = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        return env == null || env.isBlank() ? null : env;
    }

    /**
     * The broker starts before Quarkus configures logging: until then, only warnings, and on stderr
     * (stdout carries the command's JSON alone).
     */
    private static void quietKafkaLogging() {
        for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
            java.util.logging.Logger.getLogger(name).setLevel(Level.WARNING);
        }
        // Its "metadata log appears to be empty" warning is what a freshly formatted node always says.
        java.util.logging.Logger.getLogger("org.apache.kafka.controller").setLevel(Level.SEVERE);
    }

    /** Why the application did not start, in one line: each setting that did not convert, or the root cause. */
    static String startupFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.smallrye.config.ConfigValidationException invalid) {
                List<String> problems = new java.util.ArrayList<>();
                for (int i = 0; i < invalid.getProblemCount(); i++) {
                    problems.add(invalid.getProblem(i).getMessage().replaceAll("\\s+", " ").trim()
                            .replaceFirst("^[\\w.$]+Exception: ", ""));
                }
                return "bad configuration: " + String.join("; ", problems);
            }
        }
        return rootMessage(failure);
    }

    /** A start-up failure caused by a setting: one that does not convert, or a value a component refuses. */
    static boolean badConfiguration(Throwable failure) {
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.smallrye.config.ConfigValidationException) {
                return true;
            }
            root = t;
        }
        return root instanceof IllegalArgumentException;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    static String usage() {
        return """
                usage: java -jar target/quarkus-app/quarkus-run.jar COMMAND [OPTIONS]
                  demo [--scenario NAME|NAME:N|FILE] [--seed N] [--speed 1|X|max] [--duration D] [--data-dir DIR]
                       [--policy perch|reactive] [--consolidate true|false] [--print-scenario FILE]
                       run the simulated edge cluster, Kafka, the Streams topology and the controller;
                       prints one JSON summary line on stdout
                  predict --file FILE|-
                       latency predictions (mean, p50, p95, p99) for a snapshot of accelerators and apps
                  validate --recording FILE [--format perch|ibis] [--catalog FILE]
                       predicted vs recorded mean and p95 per load step and app, with MAPE
                  replay --recording FILE [--format perch|ibis] [--speed X] [--data-dir DIR]
                       a recording as telemetry through Kafka and the topology; prints what Perch learned
                  evaluate [--scenario NAME|NAME:N|FILE] [--strategies a,b,...] [--seed N] [--plot out.png]
                           [--print-scenario FILE]
                       placement strategies compared, judged by the simulator (default scenario: mixed)
                  run [--namespace NS] [--dry-run true|false] [--approval true|false] [--consolidate true|false]
                      [--state-dir DIR]
                       the controller against a Kubernetes cluster (kubeconfig or in-cluster) and Kafka
                       (KAFKA_BOOTSTRAP_SERVERS); leader election among replicas; --consolidate frees
                       accelerators once load has dropped
                demo and evaluate: --seed is the simulator's seed (default 1). A generated scenario (mixed,
                edgetpu-only, gpu-only, mixed-100, mixed-1000, small, random) is drawn with the seed N of
                NAME:N; named without one, demo draws it with 1 and evaluate with --seed, as before
                (docs/scenarios.md). --print-scenario writes the scenario that runs as YAML, which
                --scenario FILE runs again.""";
    }
}
