package dev.perch.controller;

import dev.perch.cluster.ActuationException;
import dev.perch.cluster.AppReports;
import dev.perch.cluster.AppTelemetry;
import dev.perch.cluster.ApplyResult;
import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.PlanStep;
import dev.perch.cluster.RunningApp;
import dev.perch.placement.DeviceVerdict;
import dev.perch.placement.MigrationPlan;
import dev.perch.placement.PlannedStep;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DecisionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one way a decision reaches the cluster and its readers. It owns a plan's order: steps go in
 * the plan's order, each checked by the {@link Guards} (caps, approval) and applied through the
 * actuator; the first step held or failed stops the plan there (what is left is planned again from
 * what then runs); and a placement that follows moves waits until they are over
 * (make-before-break: the moved apps' old copies still run where the app is to go). Every decision
 * is recorded — with the predictions before and after, the trigger and what came of it — on the
 * decisions topic, as an Event for the app's owner and in the log; a decision that moves nothing
 * (no target, turned away) is recorded the same way. The app acted on enters its cooldown; a move
 * applied is watched to its end ({@link StartedMoves}).
 *
 * <p>It is the only place that knows of dry-run, through the actuator ({@link DryRunActuator}): a
 * dry run's decisions are labelled so, count against the guards and cooldowns as a live run's
 * would, and a placement after moves is recorded at once, since no move will ever be over.
 *
 * <p>Not thread-safe: the {@link Reconciler} calls it under its own lock.
 */
final class PlanExecutor {
    private static final Logger EVENTS = LoggerFactory.getLogger("perch.events");

    /** What came of a plan: the moves it started, and whether every step was applied. */
    sealed interface Execution {
        List<PlanStep.Move> started();

        /** Every step applied (recorded, in a dry run). */
        record Done(List<PlanStep.Move> started) implements Execution {
        }

        /** The moves before {@code next} are under way; {@code next}, a placement, waits until they are over. */
        record Waiting(List<PlanStep.Move> started, PlannedStep next) implements Execution {
        }

        /** {@code at} was held by a guard or failed; it and the steps after it were not applied. */
        record Stopped(List<PlanStep.Move> started, PlannedStep at) implements Execution {
        }
    }

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
    private Consumer<PlanStep> follower = step -> { };
    /** Accelerator to node, as far as read: the app records name both. */
    private final Map<String, String> nodes = new HashMap<>();
    /** The snapshot the guards last counted moves in flight in, kept while the view's version says nothing changed. */
    private ClusterSnapshot guardsSnapshot;
    private long guardsVersion = -1;

    PlanExecutor(ClusterView view, ClusterActuator actuator, Guards guards, Cooldown cooldown, StartedMoves startedMoves,
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

    /** Carries the moves under way one stage further (the actuator's business); what it did. */
    List<String> progressMoves() {
        return actuator.progressMoves();
    }

    /** Brings placed apps' objects back to what their owners declare (the actuator's business); what it changed. */
    List<String> keepAsDeclared() {
        return actuator.keepAsDeclared();
    }

    /** Executes a plan's steps in order, each with the trigger given for it. */
    Execution execute(MigrationPlan plan, Function<PlannedStep, String> trigger) {
        List<PlanStep.Move> started = new ArrayList<>();
        for (PlannedStep step : plan.steps()) {
            if (!step.isMove() && !started.isEmpty() && !actuator.dryRun()) {
                return new Execution.Waiting(started, step);
            }
            if (!apply(step, trigger.apply(step))) {
                return new Execution.Stopped(started, step);
            }
            if (step.step() instanceof PlanStep.Move move) {
                started.add(move);
            }
        }
        return new Execution.Done(started);
    }

    /** Guards, applies and records one step; false when the guards held it or it failed. */
    boolean apply(PlannedStep planned, String trigger) {
        return apply(planned, trigger, null);
    }

    /** As {@link #apply(PlannedStep, String)}, the decision's reason led by {@code why} (null: none). */
    boolean apply(PlannedStep planned, String trigger, String why) {
        PlanStep step = planned.step();
        String from = planned.from().orElse(null);
        String action = planned.isMove() ? "move" : "place";
        List<DecisionRecord.Outcome> before = new ArrayList<>(outcomes(planned.sourceBefore()));
        before.addAll(outcomes(planned.targetBefore()));
        List<DecisionRecord.Outcome> after = new ArrayList<>(outcomes(planned.sourceAfter()));
        after.addAll(outcomes(planned.targetAfter()));
        String verb = planned.isMove() ? "moved" : "placed";
        String reason = planned.targetAfter().feasible()
                ? verb + ": on " + planned.to() + " every SLO holds by the models (min slack "
                + Decimals.fixed(100 * planned.targetAfter().minSlack(), 0) + "%, utilization "
                + Decimals.fixed(planned.targetAfter().utilization(), 2) + ")"
                : String.format(Locale.ROOT, "%s to %s; the models predict: %s", verb, planned.to(), planned.targetAfter().reason());
        reason = why == null ? reason : why + "; " + reason;
        Guards.Verdict verdict = guards.check(step, this::snapshotForGuards, trigger); // the caps count moves in flight
        if (verdict instanceof Guards.Verdict.Held held) {
            record(new DecisionRecord(DecisionRecord.SCHEMA, decisionId(planned.app()), clock.millis(), planned.app(), action,
                    from, planned.to(), reason + "; " + held.why(), trigger, null, false, before, after));
            return false;
        }
        String result;
        try {
            ApplyResult applied = actuator.apply(step);
            result = actuator.dryRun() ? null : applied.kind();
            reason = reason + "; " + applied.detail();
            guards.started(step);
            if (step instanceof PlanStep.Move move) {
                // A dry run's move too: the cluster never shows it, so it blames no target and ends in 30 s.
                startedMoves.started(move.app(), move.from(), move.to(), clock.millis());
            }
        } catch (ActuationException e) {
            result = "failed";
            reason = reason + "; actuation failed: " + e.getMessage();
        }
        // A placement starts the cooldown too: an app just placed is not moved to make room for the
        // next one before its first windows have shown how it runs (docs/decisions/0001).
        cooldown.acted(planned.app());
        record(new DecisionRecord(DecisionRecord.SCHEMA, decisionId(planned.app()), clock.millis(), planned.app(), action,
                from, planned.to(), reason, trigger, result, actuator.dryRun(), before, after));
        if ("failed".equals(result)) {
            return false;
        }
        if (!actuator.dryRun()) {
            follower.accept(step);
            view.app(planned.app()).ifPresent(app -> outputs.app(appRecord(app, Optional.of(planned.to()), this::nodeOf)));
        }
        return true;
    }

    /**
     * The cluster now, for the guards' count of moves in flight: read again only when the view's
     * version changed (always, from a view that cannot tell) — a burst of alerts holds one move after
     * another at that cap, and a snapshot of 10,000 apps for each was garbage that paused the answers.
     */
    private ClusterSnapshot snapshotForGuards() {
        long version = view.version(); // counted before reading: a change meanwhile is read next time
        if (version < 0 || guardsSnapshot == null || version != guardsVersion) {
            guardsSnapshot = view.snapshot();
            guardsVersion = version;
        }
        return guardsSnapshot;
    }

    /**
     * Tells {@code follower} of every step applied from now on (not a dry run's, not a failed one),
     * whoever decided it — the pass over unplaced apps keeps its working model by them; null: no one.
     */
    void follow(Consumer<PlanStep> follower) {
        this.follower = follower == null ? step -> { } : follower;
    }

    /** The node of an accelerator, read from the cluster when not known yet (an accelerator id names one for its life). */
    private Optional<String> nodeOf(String accelerator) {
        if (!nodes.containsKey(accelerator)) {
            nodes.putAll(ClusterReading.nodesOf(view.snapshot()));
        }
        return Optional.ofNullable(nodes.get(accelerator));
    }

    /**
     * Stops {@code app} where it runs (action {@code remove}): a model learned on probation that
     * keeps the app's SLO on no accelerator, not even alone. The app is then placed by the usual rules,
     * which say why none takes it. Recorded, and a dry run only records it.
     */
    boolean stop(String app, String from, String reason, String trigger, DeviceVerdict now) {
        String result;
        String detail;
        try {
            ApplyResult applied = actuator.apply(new PlanStep.Remove(app));
            result = actuator.dryRun() ? null : applied.kind();
            detail = applied.detail();
        } catch (ActuationException e) {
            result = "failed";
            detail = "actuation failed: " + e.getMessage();
        }
        cooldown.acted(app);
        record(new DecisionRecord(DecisionRecord.SCHEMA, decisionId(app), clock.millis(), app, "remove", from, null,
                reason + "; " + detail, trigger, result, actuator.dryRun(), outcomes(now), List.of()));
        if (!"failed".equals(result) && !actuator.dryRun()) {
            follower.accept(new PlanStep.Remove(app));
        }
        return !"failed".equals(result);
    }

    /** Records a decision that changes nothing — no target, turned away, an owner's pin that cannot be kept. */
    void decline(String app, String reason, DeviceVerdict sourceNow, String trigger, ClusterSnapshot snapshot) {
        decline(app, reason, sourceNow, trigger, snapshot.app(app).flatMap(RunningApp::accelerator));
    }

    /** As {@link #decline(String, String, DeviceVerdict, String, ClusterSnapshot)}, the app served on {@code servedOn}. */
    void decline(String app, String reason, DeviceVerdict sourceNow, String trigger, Optional<String> servedOn) {
        cooldown.acted(app);
        record(new DecisionRecord(DecisionRecord.SCHEMA, decisionId(app), clock.millis(), app, "none",
                servedOn.orElse(null), null, reason, trigger, null, false, outcomes(sourceNow), List.of()));
    }

    private void record(DecisionRecord decision) {
        decisions++;
        outputs.decision(decision);
        reports.get().decided(decision.app(), decision.action()
                + (decision.from() == null ? "" : " from " + decision.from()) + (decision.to() == null ? "" : " to " + decision.to())
                + " [" + (decision.result() == null ? "no action" : decision.result()) + (decision.dryRun() ? ", dry run" : "")
                + "]: " + decision.reason());
        EVENTS.info("DECISION {} {}{}{} [{}] — {} (trigger: {})", decision.action(), decision.app(),
                decision.from() == null ? "" : " from " + decision.from(),
                decision.to() == null ? "" : " to " + decision.to(),
                decision.result() == null ? (decision.dryRun() ? "dry run" : "no action") : decision.result(),
                decision.reason(), decision.trigger());
    }

    private String decisionId(String app) {
        return app + ":" + clock.millis() + ":" + (decisions + 1);
    }

    AppRecord appRecord(RunningApp app, Optional<String> accelerator, Function<String, Optional<String>> nodeOf) {
        String node = accelerator.flatMap(nodeOf).orElse(null);
        java.util.OptionalDouble learned = rates.rate(app.app());
        return new AppRecord(AppRecord.SCHEMA, app.app(), app.spec().model(), app.spec().ratePerSec(), app.spec().sloMs(),
                app.spec().sloStatistic().id(), app.spec().sloWindowSec(), node, accelerator.orElse(null),
                learned.isPresent() ? learned.getAsDouble() : null, clock.millis(), telemetry(app, accelerator));
    }

    /**
     * What the node agent on the record's node needs to carry the app's telemetry: the pod IP is the
     * one on the record's accelerator, never another's (a move's record names the target before its
     * pod has an IP; the agent then waits rather than scrape the source's pod from the wrong node).
     */
    private static AppRecord.Telemetry telemetry(RunningApp app, Optional<String> accelerator) {
        if (app.telemetry().isEmpty()) {
            return null;
        }
        if (app.telemetry().get() instanceof AppTelemetry.Scrape scrape) {
            return AppRecord.Telemetry.scraped(new AppRecord.Scrape(scrape.preset(), scrape.port(), scrape.path(),
                    scrape.serverModel(), accelerator.flatMap(scrape::podIp).orElse(null)));
        }
        return AppRecord.Telemetry.pushed();
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
