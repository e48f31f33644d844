package dev.perch.cluster;

/**
 * The typed result of applying one {@link PlanStep}: the one apply primitive every actuation path
 * goes through answers with exactly one of these (failures are {@link ActuationException}s).
 */
public sealed interface ApplyResult {
    String detail();

    /** Something that did not exist now does. */
    record Created(String detail) implements ApplyResult {
    }

    /** Something that existed was changed. */
    record Patched(String detail) implements ApplyResult {
    }

    /** The cluster was already as asked. */
    record Unchanged(String detail) implements ApplyResult {
    }

    /** Something that existed is gone. */
    record Deleted(String detail) implements ApplyResult {
    }

    /** The lower-case name used in decision records: created, patched, unchanged, deleted. */
    default String kind() {
        return getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
