package dev.perch.cli;

import io.smallrye.config.ConfigValidationException;

import java.util.ArrayList;
import java.util.List;

/**
 * How {@code demo}, {@code replay} and {@code run} report an application that did not start: in one
 * line on stderr, and with exit code 2 when a setting caused it, since a bad setting is bad input
 * like a bad argument.
 */
final class StartupFailure {
    private StartupFailure() {
    }

    /** Why the application did not start, in one line: each setting that did not convert, or the root cause. */
    static String message(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigValidationException invalid) {
                List<String> problems = new ArrayList<>();
                for (int i = 0; i < invalid.getProblemCount(); i++) {
                    problems.add(invalid.getProblem(i).getMessage().replaceAll("\\s+", " ").trim()
                            .replaceFirst("^[\\w.$]+Exception: ", ""));
                }
                return "bad configuration: " + String.join("; ", problems);
            }
        }
        return rootMessage(failure);
    }

    /** A start-up failure caused by a setting: one that does not convert, or a value a component refuses. */
    static boolean badConfiguration(Throwable failure) {
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigValidationException) {
                return true;
            }
            root = t;
        }
        return root instanceof IllegalArgumentException;
    }

    /** The innermost cause, as its simple class name and message. */
    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
