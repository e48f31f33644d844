package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The accelerators a move failed to reach, kept out of every placement and move for a while.
 *
 * <p>On Kubernetes a move whose target does not become ready within the ready timeout is rolled
 * back: the target is deleted and the app keeps serving on its source. Whatever made the target
 * fail — an image the node cannot pull, a device plugin that is down, a node under pressure — is
 * most often the node's, not the app's, and it does not go away by itself in a minute. Without
 * this memory the controller, which still sees the app at risk and that accelerator as the best
 * place by the models, would send it there again as soon as the cooldown ends: a move every
 * {@code readyTimeout + cooldown}, each one a Deployment that never serves. So an accelerator a move
 * failed to reach takes no app — placed, moved, or moved to make room — for {@link #HOLD} after
 * the failure, and the reason says so wherever no target is found.
 *
 * <p>A failure is read from what the cluster shows, so it works for any cluster: the move was seen
 * under way, and then the app is seen not moving, back on the move's source. A move that lands, an
 * app that is gone or unplaced (its node lost), or a newer move of the app ends the watch without
 * blaming the target. Only the moves this controller started are watched, in memory: a replica
 * that takes over mid-move does not know of them, and may try a failed target once more.
 *
 * <p>Not thread-safe: the {@link Reconciler} calls it under its own lock.
 */
final class FailedTargets {
    /** How long an accelerator a move failed to reach takes no app. */
    static final Duration HOLD = Duration.ofMinutes(10);

    /** A move started, until it lands or fails; {@code seenUnderWay} once the cluster showed it. */
    private record Watched(String from, String to, long startedMs, boolean seenUnderWay) {
    }

    /** A failed move: of which app, from where, and when it was seen to have failed. */
    private record Failure(String app, String from, long atMs) {
    }

    private final long holdMs;
    private final Map<String, Watched> watched = new HashMap<>();
    private final Map<String, Failure> failed = new TreeMap<>();

    FailedTargets() {
        this(HOLD);
    }

    FailedTargets(Duration hold) {
        this.holdMs = hold.toMillis();
    }

    /** A move of {@code app} from {@code from} to {@code to} was applied: watch how it ends. */
    void started(String app, String from, String to, long nowMs) {
        watched.put(app, new Watched(from, to, nowMs, false));
    }

    /** Settles the watched moves by what the cluster shows now. */
    void observe(ClusterSnapshot snapshot, long nowMs) {
        for (Iterator<Map.Entry<String, Watched>> it = watched.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Watched> entry = it.next();
            Watched move = entry.getValue();
            Optional<RunningApp> app = snapshot.app(entry.getKey());
            if (app.isEmpty()) {
                it.remove();
            } else if (app.get().moving()) {
                if (app.get().migratingTo().get().equals(move.to())) {
                    entry.setValue(new Watched(move.from(), move.to(), move.startedMs(), true));
                } else {
                    it.remove(); // a newer move: that one is watched if this controller started it
                }
            } else {
                if (move.seenUnderWay() && app.get().accelerator().equals(Optional.of(move.from()))) {
                    failed.put(move.to(), new Failure(entry.getKey(), move.from(), nowMs));
                }
                // Over: landed, failed, or unplaced. A move not seen under way yet may still show up
                // (the cluster's view lags the API); one not seen within the lag's bound is let go.
                if (move.seenUnderWay() || app.get().accelerator().equals(Optional.of(move.to()))
                        || app.get().accelerator().isEmpty() || nowMs - move.startedMs() > Reconciler.MOVE_SEEN_WITHIN_MS) {
                    it.remove();
                }
            }
        }
        failed.values().removeIf(failure -> nowMs - failure.atMs() >= holdMs);
    }

    /** The accelerators that take no app now, each with why (for a decision's reason). */
    Map<String, String> unavailable(long nowMs) {
        Map<String, String> result = new TreeMap<>();
        failed.forEach((accelerator, failure) -> {
            long agoSec = (nowMs - failure.atMs()) / 1000;
            long leftSec = (failure.atMs() + holdMs - nowMs + 999) / 1000;
            result.put(accelerator, String.format("a move of %s from %s to it failed %d s ago (rolled back);"
                    + " it takes no app for another %d s", failure.app(), failure.from(), agoSec, leftSec));
        });
        return result;
    }
}
