package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.placement.Placement;
import dev.perch.placement.MigrationPlan;
import dev.perch.placement.MigrationPlanner;
import dev.perch.placement.TargetSelector;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.SloEvidence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Perch's answer to an app at risk: on an {@code impending} or {@code violation} alert, move the app
 * to the accelerator where the models say every SLO holds with the most slack
 * ({@link TargetSelector#relocate}) or, when none takes it, move others off its accelerator
 * ({@link MigrationPlanner#relieve}: never a pinned app, one already moving or one in its
 * cooldown).
 *
 * <p>It keeps every alert still open (impending or violation, not yet resolved), leading or not:
 * the topology alerts on a change of state only, so an app whose first answer changed nothing (held,
 * no target, a dry run) is answered again once its cooldown and a backoff have passed — 30 s,
 * doubling to 10 minutes, or at once when the cluster may have freed room or the held move has been
 * approved — if its accelerator's latest prediction window still puts it at risk; a replica taking
 * over as leader does the same at once. It never acts on an alert older than a minute, on an app
 * within its cooldown, or on news from before a move off the same accelerator was over: the apps
 * that share an overloaded accelerator alert together, and one answer's moves may be relief
 * enough ({@link StartedMoves}).
 *
 * <p>Not thread-safe: the {@link Reconciler} calls it under its own lock.
 */
final class AlertAnswers implements AtRiskStep {
    private static final Logger EVENTS = LoggerFactory.getLogger("perch.events");
    /** An alert about a window older than this describes a cluster that has moved on: not acted on. */
    static final long STALE_ALERT_MS = 60_000;

    private final ClusterReading reading;
    private final PlanExecutor executor;
    private final TargetSelector selector;
    private final MigrationPlanner relief;
    private final Guards guards;
    /** Apps still at risk whose last answer changed nothing (held, no target, a dry run). */
    private final Backoff retries = new Backoff(NewApps.FIRST_RETRY_MS, NewApps.MAX_RETRY_MS);
    /**
     * The latest impending or violation alert of each app, until its resolved alert or until the app
     * runs on another accelerator (the topology then alerts afresh from there).
     */
    private final Map<String, AlertRecord> openAlerts = new HashMap<>();

    AlertAnswers(ClusterReading reading, PlanExecutor executor, TargetSelector selector, MigrationPlanner relief,
                 Guards guards) {
        this.reading = reading;
        this.executor = executor;
        this.selector = selector;
        this.relief = relief;
        this.guards = guards;
    }

    /** Whether an alert describes the cluster as it is now (its window ended within the last minute). */
    static boolean current(AlertRecord alert, long nowMs) {
        return nowMs - alert.windowEndMs() <= STALE_ALERT_MS;
    }

    @Override
    public void onAlert(AlertRecord alert, boolean leading) {
        boolean atRisk = AlertRecord.IMPENDING.equals(alert.kind()) || AlertRecord.VIOLATION.equals(alert.kind());
        if (atRisk) {
            openAlerts.put(alert.app(), alert);
        } else if (AlertRecord.RESOLVED.equals(alert.kind())) {
            // Only the alert it resolves: an app that moved may already be at risk where it runs now.
            openAlerts.computeIfPresent(alert.app(), (app, open) -> open.accelerator().equals(alert.accelerator()) ? null : open);
            retries.clear(alert.app());
        }
        if (!leading || !atRisk) {
            return;
        }
        if (!current(alert, reading.nowMs())) {
            // Read again when a replica starts, or delivered late: kept open, answered by the pass if
            // its app's latest window still puts it at risk.
            EVENTS.debug("alert for {} ignored: its window ended {} ms ago", alert.app(), reading.nowMs() - alert.windowEndMs());
            return;
        }
        if (!reading.startedMoves().newsAfterRelief(alert.accelerator(), alert.windowEndMs())) {
            // Alerts carry their window's end only: one that ended before the move was over
            // describes the accelerator with the moved app still on it. Kept open, as above.
            EVENTS.debug("alert for {} not answered yet: its window ended before the last move off {} was over",
                    alert.app(), alert.accelerator());
            return;
        }
        answer(alert, alert.kind() + " alert: " + alert.reason()).ifPresent(answeredIn -> answered(alert, answeredIn));
    }

    @Override
    public void pass() {
        answerOpenAlerts("");
        // The working copy the next alert's answer needs, read now, off that answer's path: after a
        // pass that placed apps, reading and modelling 10,000 apps would be most of the answer.
        try {
            reading.current();
        } catch (RuntimeException e) {
            reading.forgetCurrent();
            throw e;
        }
    }

    @Override
    public void takeOver() {
        retries.clearIf(app -> true); // a new term: what an earlier one waited for is looked at afresh
        answerOpenAlerts("taking over as leader, ");
    }

    private void answerOpenAlerts(String occasion) {
        ClusterSnapshot snapshot = reading.snapshot();
        // The app runs elsewhere now: the topology alerts afresh from there. (An app not in the
        // snapshot keeps its alert: a view not yet synced after a takeover shows no apps at all.)
        openAlerts.values().removeIf(alert -> snapshot.app(alert.app()).flatMap(RunningApp::accelerator)
                .map(on -> !on.equals(alert.accelerator())).orElse(false));
        ClusterShape shape = reading.shapeOf(snapshot);
        for (AlertRecord alert : List.copyOf(openAlerts.values())) {
            // The latest prediction first: it is a lookup, and most open alerts are not at risk at a
            // given pass, while a backoff's check compares the cluster with the one it was taken in.
            boolean atRisk = reading.rates().latestOn(alert.accelerator())
                    .filter(w -> reading.startedMoves().newsAfterRelief(w.accelerator(), w.windowStartMs()))
                    .map(w -> SloEvidence.atRisk(w, alert.app())).orElse(false);
            boolean waiting = !atRisk || snapshot.app(alert.app()).map(app -> app.moving()).orElse(true)
                    || !reading.cooldown().allows(alert.app())
                    || !(retries.due(alert.app(), shape, reading.nowMs()) || guards.approvalArrived(alert.app()));
            if (waiting) {
                continue;
            }
            Optional<ClusterSnapshot> decidedIn = answer(alert, occasion + alert.kind()
                    + " alert still open, and the latest prediction still at risk: " + alert.reason());
            if (decidedIn.isPresent()) {
                answered(alert, decidedIn.get());
                shape = reading.shapeOf(reading.snapshot());
            }
        }
    }

    /**
     * After a decision on an alert taken in the cluster {@code answeredIn} showed: an app still where
     * the alert found it waits out a backoff (in that cluster's shape) before it is answered again.
     */
    private void answered(AlertRecord alert, ClusterSnapshot answeredIn) {
        boolean stayed = reading.app(alert.app()).map(app -> !app.moving()
                && app.accelerator().map(alert.accelerator()::equals).orElse(false)).orElse(false);
        if (stayed) {
            retries.unchanged(alert.app(), reading.shapeOf(answeredIn), reading.nowMs());
        } else {
            retries.clear(alert.app());
        }
    }

    /**
     * The alert's app, if it still runs where the alert says and may be acted on: move it, or make
     * room — or, when only the nodes that moves under way are leaving would allow either, wait for
     * those moves. When it was answered (a decision taken and recorded, whatever it was, or that
     * wait): the cluster as it was answered in; else empty. One model of the cluster serves every
     * choice of the answer.
     */
    private Optional<ClusterSnapshot> answer(AlertRecord alert, String trigger) {
        try {
            return answer(alert, trigger, reading.current());
        } catch (RuntimeException e) {
            reading.forgetCurrent(); // the planner may have left the working copy changed
            throw e;
        }
    }

    private Optional<ClusterSnapshot> answer(AlertRecord alert, String trigger, ClusterReading.Current current) {
        ClusterSnapshot snapshot = current.snapshot();
        Optional<RunningApp> app = snapshot.app(alert.app());
        if (app.isEmpty() || app.get().accelerator().isEmpty()) {
            EVENTS.debug("alert for {} ignored: not a running app", alert.app());
            return Optional.empty();
        }
        if (app.get().moving()) {
            EVENTS.debug("alert for {} ignored: already moving to {}", alert.app(), app.get().migratingTo().get());
            return Optional.empty();
        }
        if (!app.get().accelerator().get().equals(alert.accelerator())) {
            EVENTS.debug("alert for {} ignored: it is about {}, the app now runs on {}", alert.app(), alert.accelerator(),
                    app.get().accelerator().get());
            return Optional.empty();
        }
        if (!reading.cooldown().allows(alert.app())) {
            EVENTS.debug("alert for {} ignored: in cooldown", alert.app());
            return Optional.empty();
        }
        reading.startedMoves().observe(snapshot, reading.nowMs());
        Optional<String> relieving = reading.startedMoves().relieving(alert.accelerator());
        if (relieving.isPresent()) {
            // Kept open: answered after the move, if a prediction window from after it still puts the app at risk.
            EVENTS.debug("alert for {} not answered yet: {} is moving off {}, which may be relief enough", alert.app(),
                    relieving.get(), alert.accelerator());
            return Optional.empty();
        }
        if (app.get().spec().pinned()) {
            executor.decline(alert.app(), "pinned to " + app.get().spec().pinnedTo()
                    + " by its owner: Perch does not move it", null, trigger, snapshot);
            return Optional.of(snapshot);
        }
        if (reading.probations().holds(alert.app())) {
            executor.decline(alert.app(), "on probation: Perch learns its model's profile while it runs alone, and"
                    + " moves it only once that is learned", null, trigger, snapshot);
            return Optional.of(snapshot);
        }
        Placement model = current.placement();
        Map<String, String> failed = reading.held(reading.startedMoves().closedTargets(reading.nowMs())); // observed above
        Map<String, String> closed = reading.closedIn(failed, snapshot);
        TargetSelector.Choice choice = selector.relocate(model, alert.app(), closed);
        if (choice instanceof TargetSelector.Choice.Chosen chosen) {
            executor.apply(chosen.step(), trigger);
            return Optional.of(snapshot);
        }
        Set<String> immovable = reading.immovable(snapshot); // read only when others may have to move
        TargetSelector.Choice.NoTarget none = (TargetSelector.Choice.NoTarget) choice;
        MigrationPlan plan = relief.relieve(model, alert.accelerator(), immovable, closed.keySet());
        if (!plan.isEmpty()) {
            // The app at risk counts as acted on, so that the alerts it raises while the moves run do not plan again.
            reading.cooldown().acted(alert.app());
            String prefix = trigger + "; no device takes " + alert.app() + ", so others make room: ";
            executor.execute(plan, step -> prefix + step.reason());
            return Optional.of(snapshot);
        }
        // Nodes being left close accelerators for seconds, failed targets for minutes: the app
        // waits only when, failed targets still closed, the nodes being left alone stand in the way.
        boolean leftNodesClose = !failed.keySet().containsAll(closed.keySet());
        if (leftNodesClose && (selector.relocate(model, alert.app(), failed) instanceof TargetSelector.Choice.Chosen
                || !relief.relieve(model, alert.accelerator(), immovable, failed.keySet()).isEmpty())) {
            // Nothing is decided (no cooldown either): the backoff of an unchanged cluster holds
            // the app until the moves are over, and the next pass answers it from what then runs.
            EVENTS.debug("alert for {}: only nodes that moves under way are leaving ({}) would take it or its"
                    + " neighbours; answered once the moves are over", alert.app(), closed.keySet());
            return Optional.of(snapshot);
        }
        String why = plan.unresolved().isEmpty() ? ""
                : "; nor does moving other apps off it (" + String.join("; ", plan.unresolved()) + ")";
        executor.decline(alert.app(), none.reason() + why, none.sourceNow(), trigger, snapshot);
        return Optional.of(snapshot);
    }
}
