package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.placement.MigrationPlan;
import dev.perch.placement.MigrationPlanner;

/**
 * Frees accelerators once load has dropped ({@link Consolidation} says whether and how tightly): at
 * most once a period, never while a move is in flight, emptying an accelerator only when every app
 * on it fits on the others at the consolidation's watermark ({@link MigrationPlanner#consolidate}),
 * and leaving alone pinned apps and apps within their cooldown. The plan's moves go through the
 * executor, which stops at the first one held, so an accelerator is emptied over as many passes as
 * the caps need.
 *
 * <p>It packs by measured load only: not before one period after the controller started, and only
 * when every placed app has a learned rate. The first windows' rates are short-sighted, and a
 * declared rate is a guess; packing on either once moved a busy app onto another busy Edge TPU
 * seconds into a demo, and the simulator saw its SLO broken for 9 s.
 *
 * <p>Not thread-safe: the {@link Reconciler} calls it under its own lock.
 */
final class Consolidator {
    /**
     * The most moves one consolidation pass plans. The guards' per-node cap (1 a minute by default)
     * applies fewer; the next pass plans again from what then runs.
     */
    static final int MOVE_BUDGET = 8;

    private final ClusterReading reading;
    private final PlanExecutor executor;
    private final Consolidation consolidation;
    /** Plans at the consolidation's watermark, stricter than placement's limits. */
    private final MigrationPlanner packer;
    private long lastRunMs;

    Consolidator(ClusterReading reading, PlanExecutor executor, Consolidation consolidation, MigrationPlanner packer,
                 long startedMs) {
        this.reading = reading;
        this.executor = executor;
        this.consolidation = consolidation;
        this.packer = packer;
        this.lastRunMs = startedMs;
    }

    void pass() {
        long now = reading.nowMs();
        if (!consolidation.enabled() || now - lastRunMs < consolidation.period().toMillis()) {
            return;
        }
        ClusterSnapshot snapshot = reading.snapshot();
        if (snapshot.apps().stream().anyMatch(app -> app.moving())) {
            return; // the cluster is changing: look again at the next pass
        }
        if (snapshot.apps().stream().anyMatch(app -> app.accelerator().isPresent() && reading.rates().rate(app.app()).isEmpty())) {
            return; // an app's load is not measured yet: look again at the next pass
        }
        lastRunMs = now;
        MigrationPlan plan = packer.consolidate(reading.model(snapshot), reading.immovable(snapshot),
                reading.failedTargets(snapshot).keySet());
        executor.execute(plan, step -> "consolidation: load allows fewer accelerators; " + step.reason());
    }
}
