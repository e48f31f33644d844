package dev.perch.cluster;

/**
 * Where the controller tells an app's owner what it decided and how the app's SLO fares — on
 * Kubernetes, Events and the status of the InferenceApp. Implementations write SLO reports only on
 * a change, so calling them for every prediction window costs nothing when nothing changes.
 */
public interface AppReports {
    /** Reports nothing (the simulated cluster has no owners to tell). */
    AppReports NONE = new AppReports() {
    };

    /** A decision about the app (placed, moved, held, dry run, no target), in one line. */
    default void decided(String app, String summary) {
    }

    default void atRisk(String app, Double predictedMs, Double observedMs, String why) {
    }

    default void met(String app, Double predictedMs, Double observedMs) {
    }

    /** No accelerator takes the app that runs nowhere yet; the controller tries again later. */
    default void unplaced(String app, String why) {
    }

    /**
     * An accelerator would take the app that runs nowhere yet, but the controller keeps that time for
     * smaller apps (an Edge TPU app too large for what is left); it tries again when apps leave.
     */
    default void turnedAway(String app, String why) {
    }

    /** Placed apps are moving to make room for the app that runs nowhere yet; it is placed once they are over. */
    default void waitingForRoom(String app, String why) {
    }

    /**
     * The app's model has no profile for any accelerator type it may use, and no accelerator is
     * free for its probation yet ({@code why} says what it waits for); it is placed once one is.
     */
    default void waitingForProbation(String app, String why) {
    }

    /**
     * The app runs alone on an accelerator while Perch learns its model's profile from its telemetry;
     * {@code why} names the model and the accelerator. Called again with {@code null} once the
     * probation has ended.
     */
    default void onProbation(String app, String why) {
    }

    /** Perch has telemetry for the app again (or for the first time). */
    default void reporting(String app, String message) {
    }

    /** Perch has had no telemetry for the placed app for a while; {@code why} says how long. */
    default void noTelemetry(String app, String why) {
    }
}
