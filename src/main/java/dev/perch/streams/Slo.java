package dev.perch.streams;

import dev.perch.model.profile.SloStatistic;
import dev.perch.telemetry.AppRecord;

/**
 * An app's SLO as the topology judges it: a bound in ms on one statistic of its latency over the
 * requests of its last {@code windowSec} seconds.
 */
record Slo(double sloMs, SloStatistic statistic, int windowSec) {
    /**
     * From the apps table; a statistic the topology does not know counts as the default (p95), as
     * everywhere, and a window out of range as the nearest in range ({@link SloWindows#windowSec}).
     */
    static Slo of(AppRecord spec) {
        return new Slo(spec.sloMs(), SloStatistic.fromId(spec.sloStatistic()).orElse(SloStatistic.DEFAULT),
                SloWindows.windowSec(spec));
    }
}
