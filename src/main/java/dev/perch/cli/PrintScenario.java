package dev.perch.cli;

import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code --print-scenario FILE} of {@code demo} and {@code evaluate}: the scenario that runs, in the
 * scenario format, so that {@code --scenario FILE} runs it again (a generated one with its draw seed
 * in its name).
 */
final class PrintScenario {
    private PrintScenario() {
    }

    /** Writes {@code scenario} to the file {@code --print-scenario} names, if it names one. */
    static void ifAsked(Options options, Scenario scenario) {
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
}
