package dev.perch.cluster;

import dev.perch.model.profile.AppSpec;

import java.util.Optional;

/**
 * An app and where it runs now: {@code accelerator} is empty while the app is not placed. During a
 * migration it is the accelerator that serves the app's traffic (the source until the switch).
 */
public record RunningApp(AppSpec spec, Optional<String> accelerator, Optional<String> migratingTo) {
    public RunningApp {
        accelerator = accelerator == null ? Optional.empty() : accelerator;
        migratingTo = migratingTo == null ? Optional.empty() : migratingTo;
    }

    public String app() {
        return spec.app();
    }
}
