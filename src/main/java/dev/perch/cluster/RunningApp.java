package dev.perch.cluster;

import dev.perch.model.profile.AppSpec;

import java.util.Optional;

/**
 * An app and where it runs now: {@code accelerator} is empty while the app is not placed. During a
 * migration it is the accelerator that serves the app's traffic (the source until the switch);
 * {@code migratingTo} is the move's target and {@code migratingFrom} its source, where the old copy
 * runs until the move completes — after the switch it serves nothing but still holds its memory.
 * {@code telemetry} says how Perch's node agent carries the app's telemetry, when it does (empty:
 * the app publishes its own, as on the simulated cluster unless its telemetry goes through agents:
 * {@code demo --telemetry agent}).
 */
public record RunningApp(AppSpec spec, Optional<String> accelerator, Optional<String> migratingTo,
                         Optional<String> migratingFrom, Optional<AppTelemetry> telemetry) {
    public RunningApp {
        accelerator = accelerator == null ? Optional.empty() : accelerator;
        migratingTo = migratingTo == null ? Optional.empty() : migratingTo;
        migratingFrom = migratingFrom == null || migratingTo.isEmpty() ? Optional.empty() : migratingFrom;
        telemetry = telemetry == null ? Optional.empty() : telemetry;
    }

    /** An app that publishes its own telemetry. */
    public RunningApp(AppSpec spec, Optional<String> accelerator, Optional<String> migratingTo,
                      Optional<String> migratingFrom) {
        this(spec, accelerator, migratingTo, migratingFrom, Optional.empty());
    }

    public String app() {
        return spec.app();
    }

    /** Whether a move of this app has started and not yet completed (or been rolled back). */
    public boolean moving() {
        return migratingTo.isPresent();
    }
}
