package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.telemetry.PredictionRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether Perch has telemetry for each placed app, for its owner ({@code Reporting} on
 * Kubernetes). Perch has telemetry for an app when the topology's predictions list it: the topology
 * predicts an accelerator after every telemetry window it reads there, for the apps it has windows
 * of. An app is silent when none has listed it for {@code silence} — counted from the end of the
 * last window that did (event time, so predictions read again at start-up are not news), or, for an
 * app never listed, from when this controller first saw it placed (a new app gets the same grace).
 *
 * <p>The topology keeps an app that stopped reporting on a shared accelerator for its trend span
 * (30 s) while the accelerator's other apps report, so silence there shows up to that much later.
 *
 * <p>Only changes are returned: a verdict is told once, and again only when it turns. Predictions
 * arrive on the inbox's thread while passes run on the controller's, hence the concurrent map.
 */
final class TelemetrySilence {
    /** One app's verdict: {@code reporting}, or silent with the message for its owner. */
    record Verdict(String app, boolean reporting, String message) {
    }

    private final Duration silence;
    private final Map<String, Long> lastWindowEndMs = new ConcurrentHashMap<>();
    /** When this controller first saw each placed app placed (the grace of an app never heard from). */
    private final Map<String, Long> placedSinceMs = new HashMap<>();
    private final Map<String, Boolean> told = new HashMap<>();

    TelemetrySilence(Duration silence) {
        if (silence == null || silence.isNegative() || silence.isZero()) {
            throw new IllegalArgumentException("the telemetry silence must be > 0, got " + silence);
        }
        this.silence = silence;
    }

    /** Every app a prediction lists has had telemetry up to the end of its window. */
    void observe(PredictionRecord prediction) {
        for (PredictionRecord.AppPrediction app : prediction.apps()) {
            lastWindowEndMs.merge(app.app(), prediction.windowEndMs(), Math::max);
        }
    }

    /** The verdicts on the snapshot's placed apps at {@code nowMs} that differ from what was last told. */
    List<Verdict> pass(ClusterSnapshot snapshot, long nowMs) {
        List<Verdict> changes = new ArrayList<>();
        Map<String, Long> placed = new HashMap<>();
        for (RunningApp app : snapshot.apps()) {
            if (app.accelerator().isEmpty()) {
                continue; // no telemetry is due from an app that runs nowhere; its grace starts again when placed
            }
            long since = placedSinceMs.getOrDefault(app.app(), nowMs);
            placed.put(app.app(), since);
            Long last = lastWindowEndMs.get(app.app());
            long quietFromMs = last == null ? since : Math.max(last, since);
            Verdict verdict;
            if (last != null && nowMs - last < silence.toMillis()) {
                verdict = new Verdict(app.app(), true, "Perch has telemetry for the app");
            } else if (nowMs - quietFromMs >= silence.toMillis()) {
                long quietSec = (nowMs - (last == null ? since : last)) / 1000;
                verdict = new Verdict(app.app(), false, last == null
                        ? String.format(Locale.ROOT, "no telemetry for the app in the %d s since Perch saw it placed", quietSec)
                        : String.format(Locale.ROOT, "no telemetry for the app for %d s (the last window ended %s)", quietSec,
                        Instant.ofEpochMilli(last)));
            } else {
                continue; // placed too recently to call silent, and not heard from yet
            }
            if (!Boolean.valueOf(verdict.reporting()).equals(told.get(app.app()))) {
                told.put(app.app(), verdict.reporting());
                changes.add(verdict);
            }
        }
        placedSinceMs.keySet().retainAll(placed.keySet());
        placed.forEach(placedSinceMs::putIfAbsent);
        told.keySet().retainAll(placed.keySet());
        return changes;
    }

    /** Tell every verdict again (a new term as leader: the owner may have been told otherwise since). */
    void forget() {
        told.clear();
    }
}
