package dev.perch.cluster;

/** A plan step the cluster refused or that failed part-way; the message says which and why. */
public class ActuationException extends RuntimeException {
    public ActuationException(String message) {
        super(message);
    }

    public ActuationException(String message, Throwable cause) {
        super(message, cause);
    }
}
