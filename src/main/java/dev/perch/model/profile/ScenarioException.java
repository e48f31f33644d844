package dev.perch.model.profile;

/** A scenario or catalog that cannot be used, with a one-line reason naming the source and the field. */
public class ScenarioException extends RuntimeException {
    public ScenarioException(String message) {
        super(message);
    }

    public ScenarioException(String message, Throwable cause) {
        super(message, cause);
    }
}
