package dev.perch.cli;

import dev.perch.telemetry.RecordedRequest;

import java.util.List;

/** Lets tests in other packages read the shared recording the way the validate tests do. */
public final class ValidateCommandTestAccess {
    private ValidateCommandTestAccess() {
    }

    public static List<RecordedRequest> ibisRecording() throws Exception {
        return ValidateCommandTest.ibisRecording();
    }
}
