package dev.perch.cli;

import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioModels;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.placement.PlacementPolicy;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.RecordedRequest;
import dev.perch.telemetry.RecordingReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The pure commands, {@code predict}, {@code validate} and {@code evaluate}: they run in
 * {@code main} itself and start no broker, Streams or HTTP server (DESIGN.md, Contracts). Each
 * checks its options (bad input throws {@link UsageException}) and prints one JSON document on one
 * line on stdout.
 */
final class PureCommands {
    private PureCommands() {
    }

    /** Reads a snapshot, prints predictions. */
    static void predict(List<String> args) {
        Options options = Options.parse(args, Set.of("file"));
        String file = options.get("file").orElseThrow(() -> new UsageException("--file FILE (or - for stdin) is required"));
        String input;
        try {
            input = "-".equals(file) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + file + ": no such file");
        } catch (IOException | RuntimeException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
        System.out.println(PredictCommand.predict(input));
    }

    /** Compares the models with a per-request recording; a report, so exit 0 whatever the errors. */
    static void validate(List<String> args) {
        Options options = Options.parse(args, Set.of("recording", "format", "catalog"));
        Path recording = options.get("recording").map(Path::of)
                .orElseThrow(() -> new UsageException("--recording FILE is required"));
        RecordingReader.Format format;
        List<RecordedRequest> requests;
        ScenarioModels models;
        try {
            format = RecordingReader.format(options.get("format").orElse("perch"));
            // A scenario file serves as a catalog too; its profiled: false models are no profile, and said so.
            models = options.get("catalog").map(c -> ScenarioReader.loadModels(Path.of(c)))
                    .orElseGet(() -> new ScenarioModels(ScenarioReader.defaultCatalog(), ProfileCatalog.empty()));
            requests = RecordingReader.read(recording, format);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        System.out.println(Json.write(ValidateCommand.validate(requests, models.profiled(),
                models.unprofiled().models().keySet())));
    }

    /** The scenario with every app's SLO window set by {@code --slo-window-sec}, when given (for a table of windows). */
    private static Scenario withWindow(Scenario scenario, Options options) {
        if (options.get("slo-window-sec").isEmpty()) {
            return scenario;
        }
        long windowSec = options.getLong("slo-window-sec", AppSpec.DEFAULT_SLO_WINDOW_SEC);
        AppSpec.windowProblem(windowSec).ifPresent(problem -> {
            throw new UsageException("--slo-window-sec: " + problem);
        });
        return scenario.withApps(scenario.apps().stream().map(a -> a.withSloWindowSec((int) windowSec)).toList());
    }

    /** Offers a scenario's apps to each strategy and lets the simulator judge. */
    static void evaluate(List<String> args) {
        Options options = Options.parse(args, Set.of("scenario", "strategies", "seed", "plot", "print-scenario",
                "slo-window-sec"));
        long seed = options.getLong("seed", 1);
        Scenario scenario = withWindow(ScenarioReader.load(options.get("scenario").orElse("mixed"), seed), options);
        List<String> strategies = options.get("strategies").map(s -> List.of(s.split(","))).orElse(EvaluateCommand.defaultStrategyNames());
        for (String name : strategies) {
            if (!EvaluateCommand.strategyNames().contains(name.strip())) {
                throw new UsageException("--strategies: unknown strategy '" + name + "' (known: "
                        + String.join(", ", EvaluateCommand.strategyNames()) + ")");
            }
        }
        try {
            EvaluateCommand.refuseUnprofiled(scenario); // before --print-scenario writes anything
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintScenario.ifAsked(options, scenario);
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
            } catch (IOException e) {
                throw new UsageException("--plot: cannot write " + plot + ": " + e.getMessage());
            }
            System.err.println("plot written to " + plot);
        }
    }
}
