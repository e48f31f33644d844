package dev.perch.controller;

import dev.perch.cluster.ActuationException;
import dev.perch.cluster.AppReports;
import dev.perch.cluster.ApplyResult;
import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.PlanStep;
import dev.perch.cluster.RunningApp;
import dev.perch.placement.DeviceVerdict;
import dev.perch.placement.MigrationPlan;
import dev.perch.placement.TargetSelector;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DecisionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one way a decision of the {@link Reconciler} reaches the cluster and its readers: the step is
 * checked by the {@link Guards} (caps, dry-run, approval), applied through the actuator, and the
 * decision recorded — with the predictions before and after, the trigger and what came of it — on
 * the decisions topic, as an Event for the app's owner and in the log. The app acted on enters its
 * cooldown; a move applied is watched to its end ({@link StartedMoves}). A decision that moves
 * nothing (no target) is recorded the same way.
 *
 * <p>Not thread-safe: the {@link Reconciler} calls it under its own lock.
 */
final class Actuation {
    private static final Logger EVENTS = LoggerFactory.getLogger("perch.events");

    private final ClusterView view;
    private final ClusterActuator actuator;
    private final Guards guards;
    private final Cooldown cooldown;
    private final StartedMoves startedMoves;
    private final LiveRates rates;
    private final ControllerOutputs outputs;
    private final Supplier<AppReports> reports;
    private final Clock clock;
    private long decisions;

    Actuation(ClusterView view, ClusterActuator actuator, Guards guards, Cooldown cooldown, StartedMoves startedMoves,
              LiveRates rates, ControllerOutputs outputs, Supplier<AppReports> reports, Clock clock) {
        this.view = view;
        this.actuator = actuator;
        this.guards = guards;
        this.cooldown = cooldown;
        this.startedMoves = startedMoves;
        this.rates = rates;
        this.outputs = outputs;
        this.reports = reports;
        this.clock = clock;
    }

    /** How many decisions were recorded. */
    long decisions() {
        return decisions;
    }

    private void watch(PlanStep step) {
        if (step instanceof PlanStep.Move move) {
            startedMoves.started(move.app(), move.from(), move.to(), clock.millis());
        }
    }

    /** A planned move as a choice to act on, with the plan's predictions. */
    static TargetSelector.Choice.Chosen chosen(MigrationPlan.Action.Move move) {
        return new TargetSelector.Choice.Chosen(move.app(), move.from(), move.to(), move.sourceBefore(), move.sourceAfter(),
                move.targetBefore(), move.targetAfter());
    }

    /** Decides, guards, applies and records one choice; false when nothing was chosen or the guards held it. */
    boolean act(TargetSelector.Choice choice, String trigger, ClusterSnapshot snapshot) {
        if (choice instanceof TargetSelector.Choice.NoTarget none) {
            cooldown.acted(none.app());
            record(new DecisionRecord(DecisionRecord.SCHEMA, decisionId(none.app()), clock.millis(), none.app(), "none",
                    snapshot.app(none.app()).flatMap(RunningApp::accelerator).orElse(null), null, none.reason(), trigger,
                    null, false, outcomes(none.sourceNow()), List.of()));
            return false;
        }
        TargetSelector.Choice.Chosen chosen = (TargetSelector.Choice.Chosen) choice;
        PlanStep step = chosen.from() == null
                ? new PlanStep.Place(chosen.app(), chosen.to())
                : new PlanStep.Move(chosen.app(), chosen.from(), chosen.to());
        String action = chosen.from() == null ? "place" : "move";
        List<DecisionRecord.Outcome> before = new ArrayList<>(outcomes(chosen.sourceBefore()));
        before.addAll(outcomes(chosen.targetBefore()));
        List<DecisionRecord.Outcome> after = new ArrayList<>(outcomes(chosen.sourceAfter()));
        after.addAll(outcomes(chosen.targetAfter()));
        String reason = chosen.targetAfter().feasible()
                ? String.format("%s: on %s every SLO holds by the models (min slack %.0f%%, utilization %.2f)",
                chosen.from() == null ? "placed" : "moved", chosen.to(), 100 * chosen.targetAfter().minSlack(),
                chosen.targetAfter().utilization())
                : String.format("%s to %s; the models predict: %s", chosen.from() == null ? "placed" : "moved",
                chosen.to(), chosen.targetAfter().reason());
        Guards.Verdict verdict = guards.check(step, snapshot, trigger);
        if (!(verdict instanceof Guards.Verdict.Go)) {
            boolean dryRun = verdict instanceof Guards.Verdict.DryRun;
            String why = dryRun ? "dry run: nothing applied" : ((Guards.Verdict.Held) verdict).why();
            if (dryRun) {
                cooldown.acted(chosen.app());
                guards.started(step);
                watch(step); // as if made: the cluster never shows it, so it blames no target and ends in 30 s
            }
            record(new DecisionRecord(DecisionRecord.SCHEMA, decisionId(chosen.app()), clock.millis(), chosen.app(), action,
                    chosen.from(), chosen.to(), reason + "; " + why, trigger, null, dryRun, before, after));
            return dryRun;
        }
        String result;
        try {
            ApplyResult applied = actuator.apply(step);
            result = applied.kind();
            reason = reason + "; " + applied.detail();
            guards.started(step);
            watch(step);
        } catch (ActuationException e) {
            result = "failed";
            reason = reason + "; actuation failed: " + e.getMessage();
        }
        cooldown.acted(chosen.app());
        record(new DecisionRecord(DecisionRecord.SCHEMA, decisionId(chosen.app()), clock.millis(), chosen.app(), action,
                chosen.from(), chosen.to(), reason, trigger, result, false, before, after));
        if ("failed".equals(result)) {
            return false;
        }
        ClusterSnapshot now = view.snapshot();
        now.app(chosen.app()).ifPresent(app -> outputs.app(appRecord(app, Optional.of(chosen.to()), now)));
        return true;
    }

    private void record(DecisionRecord decision) {
        decisions++;
        outputs.decision(decision);
        reports.get().decided(decision.app(), String.format("%s%s%s [%s%s]: %s", decision.action(),
                decision.from() == null ? "" : " from " + decision.from(), decision.to() == null ? "" : " to " + decision.to(),
                decision.result() == null ? "no action" : decision.result(), decision.dryRun() ? ", dry run" : "",
                decision.reason()));
        EVENTS.info("DECISION {} {}{}{} [{}] — {} (trigger: {})", decision.action(), decision.app(),
                decision.from() == null ? "" : " from " + decision.from(),
                decision.to() == null ? "" : " to " + decision.to(),
                decision.result() == null ? "no action" : decision.result(), decision.reason(), decision.trigger());
    }

    private String decisionId(String app) {
        return app + ":" + clock.millis() + ":" + (decisions + 1);
    }

    AppRecord appRecord(RunningApp app, Optional<String> accelerator, ClusterSnapshot snapshot) {
        String node = accelerator.flatMap(snapshot::accelerator).map(a -> a.node()).orElse(null);
        java.util.OptionalDouble learned = rates.rate(app.app());
        return new AppRecord(AppRecord.SCHEMA, app.app(), app.spec().model(), app.spec().ratePerSec(), app.spec().sloMs(),
                app.spec().sloStatistic().id(), node, accelerator.orElse(null),
                learned.isPresent() ? learned.getAsDouble() : null, clock.millis());
    }

    private static List<DecisionRecord.Outcome> outcomes(DeviceVerdict verdict) {
        if (verdict == null) {
            return List.of();
        }
        return verdict.apps().stream().map(a -> new DecisionRecord.Outcome(a.app(), verdict.device(),
                a.latency() == null ? null : round(a.latency().meanMs()),
                a.latency() == null ? null : round(a.latency().p95Ms()),
                a.latency() == null ? null : round(a.latency().p99Ms()), a.sloMs(), a.sloStatistic().id(),
                a.sloMet())).toList();
    }

    private static double round(double ms) {
        return Math.round(ms * 10) / 10.0;
    }
}
