package dev.perch.agent.push;

/**
 * Why one pushed record was not kept: {@code index} is the record's 0-based position in the body
 * (in JSON lines, among the non-blank lines), so that a client can tell which of its records were
 * dropped without re-sending the ones that were kept.
 */
public record PushRejection(int index, String reason) {
}
