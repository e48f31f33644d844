package dev.perch.streams;

import dev.perch.model.profile.SloStatistic;
import dev.perch.telemetry.AppRecord;

/** An app's SLO as the topology judges it: a bound in ms on one statistic of its latency. */
record Slo(double sloMs, SloStatistic statistic) {
    /** From the apps table; a statistic the topology does not know counts as the default (p95), as everywhere. */
    static Slo of(AppRecord spec) {
        return new Slo(spec.sloMs(), SloStatistic.fromId(spec.sloStatistic()).orElse(SloStatistic.DEFAULT));
    }
}
