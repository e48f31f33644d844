package dev.perch.cli;

/** Bad command-line input: printed as one line on stderr, exit code 2. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
