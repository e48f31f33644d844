package dev.perch.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Perch's own settings ({@code perch.*}); the command line sets them for {@code demo}. */
@ConfigMapping(prefix = "perch")
public interface PerchConfig {
    /** A built-in scenario's name or a scenario file. */
    @WithDefault("default")
    String scenario();

    /** Seed of the simulated cluster's randomness. */
    @WithDefault("1")
    long seed();

    /** {@code demo} drives the simulated cluster; {@code service} only runs the topology and controller. */
    @WithDefault("service")
    String mode();

    /** {@code 1} real time, a factor, or {@code max} in lock-step with the pipeline. */
    @WithDefault("1")
    String speed();

    /** Wall-clock limit of the demo in seconds; 0 for none. */
    @WithDefault("0")
    double durationSec();

    /** Simulated seconds between the decision to move an app and the switch of its traffic. */
    @WithDefault("2")
    double moveSec();

    /** {@code perch} (model-driven, acts on alerts) or {@code reactive} (the Ibis paper's rule). */
    @WithDefault("perch")
    String policy();

    /** Seconds (of the cluster's clock) before the same app may be acted on again. */
    @WithDefault("30")
    double cooldownSec();

    /** What {@code replay} reads. */
    Replay replay();

    interface Replay {
        /** The recording file; required in replay mode. */
        java.util.Optional<String> recording();

        /** {@code perch} or {@code ibis}. */
        @WithDefault("perch")
        String format();

        /** 0 for as fast as possible, else a factor of real time. */
        @WithDefault("0")
        double speed();
    }
}
