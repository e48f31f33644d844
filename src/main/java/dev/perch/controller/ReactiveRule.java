package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.placement.TargetSelector;
import dev.perch.telemetry.AlertRecord;

import java.util.Locale;
import java.util.Optional;

/**
 * The Ibis paper's reactive rule, kept to compare Perch with ({@code --policy reactive}): every
 * 10 s, each app whose last 20 requests' mean latency is over its SLO moves to an idle accelerator
 * (one that runs no app); alerts are ignored.
 *
 * <p>Not thread-safe: the {@link Reconciler} calls it under its own lock.
 */
final class ReactiveRule implements AtRiskStep {
    /** The rule's period (the Ibis paper polls every 10 s). */
    static final long PERIOD_MS = 10_000;

    private final ClusterReading reading;
    private final PlanExecutor executor;
    private final TargetSelector selector;
    private Long lastCheckMs;

    ReactiveRule(ClusterReading reading, PlanExecutor executor, TargetSelector selector) {
        this.reading = reading;
        this.executor = executor;
        this.selector = selector;
    }

    @Override
    public void onAlert(AlertRecord alert, boolean leading) {
    }

    @Override
    public void takeOver() {
    }

    @Override
    public void pass() {
        if (lastCheckMs != null && reading.nowMs() - lastCheckMs < PERIOD_MS) {
            return;
        }
        lastCheckMs = reading.nowMs();
        ProfileCatalog catalog = reading.catalog();
        for (RunningApp app : reading.snapshot().apps()) {
            if (app.accelerator().isEmpty() || app.moving()) {
                continue;
            }
            Double recentMean = reading.rates().latest(app.app()).map(p -> p.observedRecentMeanMs()).orElse(null);
            if (recentMean == null || recentMean <= app.spec().sloMs()) {
                continue;
            }
            ClusterSnapshot snapshot = reading.snapshot();
            String trigger = String.format(Locale.ROOT, "reactive: mean of the last 20 requests %.1f ms over the %.0f ms SLO",
                    recentMean, app.spec().sloMs());
            Optional<String> idle = snapshot.accelerators().stream()
                    .filter(a -> !catalog.profile(app.spec().model(), a.type()).isEmpty())
                    .filter(a -> snapshot.apps().stream().noneMatch(o -> o.accelerator().map(a.id()::equals).orElse(false)
                            || o.migratingTo().map(a.id()::equals).orElse(false)))
                    .map(a -> a.id()).sorted().findFirst();
            if (idle.isEmpty()) {
                executor.decline(app.app(), "no idle accelerator", null, trigger, snapshot);
            } else {
                TargetSelector.Choice.Chosen move = (TargetSelector.Choice.Chosen) selector.moveTo(reading.model(snapshot),
                        app.app(), idle.get());
                executor.apply(move.step(), trigger);
            }
        }
    }
}
