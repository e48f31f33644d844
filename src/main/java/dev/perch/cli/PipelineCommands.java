package dev.perch.cli;

import dev.perch.controller.Policy;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.runtime.DemoDriver;
import dev.perch.runtime.Speed;
import dev.perch.telemetry.RecordingReader;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The commands that boot the pipeline, {@code demo}, {@code replay} and {@code run}: each checks its
 * options first (bad input ends here, exit 2, before anything starts), turns them into the
 * properties the application reads ({@code perch.mode} among them), and then hands over to
 * {@link PipelineBoot}.
 */
final class PipelineCommands {
    private PipelineCommands() {
    }

    static void demo(List<String> args) {
        DemoStart start = demoStart(args);
        start.properties().forEach(System::setProperty);
        LaptopHttpHost.apply();
        PipelineBoot.boot("demo", start.dataDir());
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
                "print-scenario", "telemetry"));
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

        String telemetry = options.get("telemetry").orElse("direct");
        if (!telemetry.equals("direct") && !telemetry.equals(DemoDriver.AGENT)) {
            throw new UsageException("--telemetry must be direct or agent, got '" + telemetry + "'");
        }
        if (telemetry.equals(DemoDriver.AGENT)) {
            try {
                DemoDriver.requireAgentsCanRun(speed, loaded.nodes().size());
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        Map<String, String> properties = new LinkedHashMap<>(switches(options,
                Map.of("consolidate", "perch.consolidation.enabled")));
        PrintScenario.ifAsked(options, loaded);
        properties.put("perch.mode", "demo");
        properties.put("perch.scenario", scenario);
        properties.put("perch.seed", Long.toString(seed));
        properties.put("perch.speed", speed);
        properties.put("perch.policy", policy);
        properties.put("perch.duration-sec", Double.toString(durationSec));
        properties.put("perch.telemetry.via", telemetry);
        return new DemoStart(properties, dataDir);
    }

    /** Reads a recording into the real topology and prints what Perch learned from it. */
    static void replay(List<String> args) {
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
        LaptopHttpHost.apply();
        PipelineBoot.boot("replay", options.get("data-dir").map(Path::of));
    }

    /**
     * The production controller: Kafka from configuration ({@code KAFKA_BOOTSTRAP_SERVERS}), the
     * Kubernetes API server from the kubeconfig or the pod's service account, leader election among
     * replicas, consumers as {@link PerchMain#RUN_CONSUMERS} says unless set otherwise. Serves until
     * stopped.
     */
    static void run(List<String> args) {
        Options options = Options.parse(args, Set.of("namespace", "dry-run", "approval", "consolidate", "state-dir"));
        if (PipelineBoot.configuredBootstrapServers() == null) {
            throw new UsageException("run needs Kafka: set KAFKA_BOOTSTRAP_SERVERS (or -Dkafka.bootstrap.servers)");
        }
        options.get("namespace").ifPresent(ns -> System.setProperty("perch.kubernetes.namespace", ns));
        switches(options, Map.of("dry-run", "perch.guards.dry-run", "approval", "perch.guards.approval",
                "consolidate", "perch.consolidation.enabled")).forEach(System::setProperty);
        PerchMain.RUN_CONSUMERS.forEach((property, value) -> {
            if (System.getProperty(property) == null) {
                System.setProperty(property, value);
            }
        });
        System.setProperty("perch.mode", "run");
        PipelineBoot.boot("run", options.get("state-dir").map(Path::of));
    }

    /** The property of each {@code --flag true|false} given, with its value; any other value is a usage error. */
    private static Map<String, String> switches(Options options, Map<String, String> propertyOfFlag) {
        Map<String, String> properties = new LinkedHashMap<>();
        propertyOfFlag.forEach((flag, property) -> options.get(flag).ifPresent(value -> {
            if (!value.equals("true") && !value.equals("false")) {
                throw new UsageException("--" + flag + " must be true or false, got '" + value + "'");
            }
            properties.put(property, value);
        }));
        return properties;
    }
}
