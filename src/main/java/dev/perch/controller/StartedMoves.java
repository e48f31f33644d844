package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The moves this controller started, watched until they end, and what their ends mean for the
 * next decisions:
 * <ul>
 *   <li><b>a target a move failed to reach</b> takes no app for {@link #HOLD}. On Kubernetes a move
 *   whose target does not become ready within the ready timeout is rolled back, and the app keeps
 *   serving on its source. Whatever made the target fail — an image the node cannot pull, a device
 *   plugin that is down, a node under pressure — is most often the node's, not the app's, and does
 *   not go away in a minute. Without this memory the controller, which still sees the app at risk
 *   and that accelerator as the best place by the models, would send it there again as soon as the
 *   cooldown ends: a move every {@code readyTimeout + cooldown}, each a Deployment that never
 *   serves. The hold covers every app, placed, moved or moved to make room, and the reason says so
 *   wherever no target is found ({@link #closedTargets});</li>
 *   <li><b>an accelerator a move is relieving</b> is not relieved again on news from before that
 *   move took effect ({@link #relieving}, {@link #newsAfterRelief}). The apps that share an
 *   overloaded accelerator alert together, from the same window; answered one after the other,
 *   each would move, and a device one move would have relieved would be emptied.</li>
 * </ul>
 *
 * <p>A move's end is read from what the cluster shows, so it works for any cluster: it lands (the
 * app served on its target, not moving); it fails (seen under way, then the app back on its source,
 * not moving); or the watch ends without blaming the target — the app gone or unplaced (its node
 * lost), a newer move of it, or a move the cluster never showed within {@link #MOVE_SEEN_WITHIN_MS}.
 * Only the moves this controller started are watched, in memory: a replica that takes over mid-move
 * does not know of them, and may try a failed target once more. A dry run's moves are watched too,
 * so that it decides as a live run would: the cluster never shows them, so they blame no target,
 * and they stop relieving their source after that 30 s.
 *
 * <p>Not thread-safe: the {@link Reconciler}'s steps call it under its lock.
 */
final class StartedMoves {
    /**
     * A move the cluster has not shown under way within this long of its start is taken as over:
     * completed or rolled back before a pass saw it (the cluster's view lags the API by far less).
     */
    static final long MOVE_SEEN_WITHIN_MS = 30_000;
    /** How long an accelerator a move failed to reach takes no app. */
    static final Duration HOLD = Duration.ofMinutes(10);

    /** A move started, until it ends; {@code seenUnderWay} once the cluster showed it. */
    private record Watched(String from, String to, long startedMs, boolean seenUnderWay) {
    }

    /** A failed move: of which app, from where, and when it was seen to have failed. */
    private record Failure(String app, String from, long atMs) {
    }

    private final long holdMs;
    private final Map<String, Watched> watched = new HashMap<>();
    private final Map<String, Failure> failed = new TreeMap<>();
    /** When a watched move off each accelerator was last seen over, for as long as news from before it can arrive. */
    private final Map<String, Long> reliefOverMs = new HashMap<>();

    StartedMoves() {
        this(HOLD);
    }

    StartedMoves(Duration hold) {
        this.holdMs = hold.toMillis();
    }

    /** A move of {@code app} from {@code from} to {@code to} was applied: watch how it ends. */
    void started(String app, String from, String to, long nowMs) {
        watched.put(app, new Watched(from, to, nowMs, false));
    }

    /** Settles the watched moves by what the cluster shows now. */
    void observe(ClusterSnapshot snapshot, long nowMs) {
        // One scan that keeps only the watched apps, not a scan per move nor an index of every app:
        // an alert's answer on 10,000 apps observes, and an index of them all was most of its garbage.
        Map<String, RunningApp> byId = new HashMap<>();
        if (!watched.isEmpty()) {
            for (RunningApp app : snapshot.apps()) {
                if (watched.containsKey(app.app())) {
                    byId.put(app.app(), app);
                }
            }
        }
        for (Iterator<Map.Entry<String, Watched>> it = watched.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Watched> entry = it.next();
            Watched move = entry.getValue();
            Optional<RunningApp> app = Optional.ofNullable(byId.get(entry.getKey()));
            boolean over;
            if (app.isEmpty()) {
                over = true;
            } else if (app.get().moving()) {
                over = !app.get().migratingTo().get().equals(move.to()); // else a newer move, watched if started here
                if (!over) {
                    entry.setValue(new Watched(move.from(), move.to(), move.startedMs(), true));
                }
            } else {
                if (move.seenUnderWay() && app.get().accelerator().equals(Optional.of(move.from()))) {
                    failed.put(move.to(), new Failure(entry.getKey(), move.from(), nowMs));
                }
                // A move not seen under way yet may still show up (the cluster's view lags the API);
                // one not seen within the lag's bound is let go.
                over = move.seenUnderWay() || app.get().accelerator().equals(Optional.of(move.to()))
                        || app.get().accelerator().isEmpty() || nowMs - move.startedMs() > MOVE_SEEN_WITHIN_MS;
            }
            if (over) {
                reliefOverMs.put(move.from(), nowMs);
                it.remove();
            }
        }
        failed.values().removeIf(failure -> !holding(failure, nowMs));
        reliefOverMs.values().removeIf(overMs -> nowMs - overMs > AlertAnswers.STALE_ALERT_MS);
    }

    /** The accelerators a move failed to reach within the hold, which take no app now, each with why. */
    Map<String, String> closedTargets(long nowMs) {
        Map<String, String> result = new TreeMap<>();
        failed.forEach((accelerator, failure) -> {
            if (!holding(failure, nowMs)) {
                return; // over since the last observe (a scrape reads without observing)
            }
            long agoSec = (nowMs - failure.atMs()) / 1000;
            long leftSec = (failure.atMs() + holdMs - nowMs + 999) / 1000;
            result.put(accelerator, String.format(Locale.ROOT, "a move of %s from %s to it failed %d s ago (rolled back);"
                    + " it takes no app for another %d s", failure.app(), failure.from(), agoSec, leftSec));
        });
        return result;
    }

    private boolean holding(Failure failure, long nowMs) {
        return nowMs - failure.atMs() < holdMs;
    }

    /** The app a move started here is taking off {@code accelerator} and that is not over yet, if any. */
    Optional<String> relieving(String accelerator) {
        return watched.entrySet().stream().filter(e -> e.getValue().from().equals(accelerator)).map(Map.Entry::getKey)
                .sorted().findFirst();
    }

    /**
     * Whether news about {@code accelerator} from a window that started at {@code windowStartMs}
     * describes it after the last move off it was over (always, when there was none lately).
     */
    boolean newsAfterRelief(String accelerator, long windowStartMs) {
        Long overMs = reliefOverMs.get(accelerator);
        return overMs == null || windowStartMs >= overMs;
    }
}
