package dev.perch.controller.history;

/**
 * Something that happened to an app: an alert ({@code kind} impending, violation or resolved, {@code
 * detail} its reason) or one of this replica's decisions touching it — its own ({@code kind} the
 * action, {@code detail} "from → to [result]: reason") or another app's ({@code kind}
 * {@value LiveHistory#NEIGHBOUR}, {@code detail} that app and action first) — at {@code atMs} on the
 * clock of prediction windows.
 */
public record HistoryEvent(long atMs, String kind, String detail) {
}
