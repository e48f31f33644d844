package dev.perch.model.queueing;

/**
 * The parts of a request's path outside the accelerator: a fixed network time, and the app's own CPU
 * front end (decode, resize) as a queue of its own with mean service time {@code frontendServiceMs}
 * (0 when there is none) and coefficient of variation {@code frontendCv}.
 */
public record EndToEnd(double networkMs, double frontendServiceMs, double frontendCv) {
    public static final EndToEnd NONE = new EndToEnd(0, 0, 0);

    public EndToEnd {
        AppLoad.requireFinite("networkMs", networkMs, 0, true);
        AppLoad.requireFinite("frontendServiceMs", frontendServiceMs, 0, true);
        AppLoad.requireFinite("frontendCv", frontendCv, 0, true);
    }
}
