package dev.perch.faults;

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
     * What the fault's own checks found broken in its last run, beyond what the done-when
     * asks of every line ({@link FaultResult#problems()}), one line each: the suite says them and
     * exits 1.
     */
    default java.util.List<String> problems() {
        return java.util.List.of();
    }
}
