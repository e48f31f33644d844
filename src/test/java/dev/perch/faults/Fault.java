package dev.perch.faults;

import java.util.List;

/**
 * One fault the suite injects into a running Perch (issue 23): it sets up what it needs in its own
 * working directory (brokers on free ports, processes, a mock API server), injects the fault, watches
 * what becomes of the data and the moves, and tears everything down, whatever happened.
 */
interface Fault {
    /** The name on the suite's command line and in the result line, e.g. {@code broker-restart}. */
    String name();

    /**
     * Runs the fault once. Throws only when the harness itself could not run (a broker that would
     * not start); what Perch got wrong is in the result, for {@link FaultResult#problems()} to say.
     */
    FaultResult run(FaultContext context) throws Exception;

    /**
     * What this fault found broken in {@code result}, one line each: the "done when"
     * ({@link FaultResult#problems()}) and whatever the fault checks beyond the line's figures (a
     * move neither finished nor rolled back, a reason missing from health, a flood of log lines).
     */
    default List<String> problems(FaultResult result) {
        return result.problems();
    }
}
