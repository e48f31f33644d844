package dev.perch.controller;

import dev.perch.cluster.ActuationException;
import dev.perch.cluster.AppReports;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.LearnedProfiles;
import dev.perch.cluster.PlanStep;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.LearnedProfile;
import dev.perch.placement.DeviceVerdict;
import dev.perch.placement.PlannedStep;
import dev.perch.placement.ProbationPlanner;
import dev.perch.telemetry.Confidence;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the controller does about models nobody profiled: starts an app's probation when it is
 * placed ({@link #start}: alone on an idle accelerator, or one made idle, or it waits), and ends
 * probations whose profile is learned ({@link #pass}: the profile kept through
 * {@link LearnedProfiles}, the decision recorded, the owner told). The state is {@link Probations}'.
 *
 * <p>Not thread-safe: the {@link Reconciler} calls it under its lock.
 */
final class ProbationSteps {
    private static final Logger LOG = LoggerFactory.getLogger(ProbationSteps.class);

    private final ClusterReading reading;
    private final PlanExecutor executor;
    private final ProbationPlanner planner;
    private final LearnedProfiles store;
    private final Supplier<AppReports> reports;
    /** A dry run keeps no profile in the store (it writes nothing but its decision records). */
    private final boolean dryRun;
    /** The probations out of time with nothing heard, each warned of once. */
    private final Set<Probations.Trial> warnedUnheard = new HashSet<>();
    /** The last refusal of the store, logged once. */
    private String lastRefusal;

    ProbationSteps(ClusterReading reading, PlanExecutor executor, ProbationPlanner planner, LearnedProfiles store,
                   Supplier<AppReports> reports, boolean dryRun) {
        this.reading = reading;
        this.dryRun = dryRun;
        this.executor = executor;
        this.planner = planner;
        this.store = store;
        this.reports = reports;
    }

    /** How a new app's probation went: it needs none, it is placed, or it waits ({@code started}: moves making its room). */
    sealed interface Start {
        record NotNeeded() implements Start {
        }

        record Placed() implements Start {
        }

        record Waiting(String reason, List<PlanStep.Move> started) implements Start {
        }
    }

    /**
     * The start of {@code app}'s probation, when its model has no profile for any type of the
     * cluster it may run on; {@link Start.NotNeeded} when it has one (the usual admission places it).
     */
    Start start(RunningApp app, WorkingCluster working) {
        Set<AcceleratorType> types = EnumSet.noneOf(AcceleratorType.class);
        working.first().accelerators().forEach(a -> types.add(a.type()));
        Probations probations = reading.probations();
        Set<AcceleratorType> allowed = probations.unprofiledTypes(app.spec(), types);
        if (allowed.isEmpty()) {
            return new Start.NotNeeded();
        }
        String model = app.spec().model();
        Optional<Probations.Trial> running = probations.trialOf(model);
        if (running.isPresent()) {
            return waiting(app, "the profile of " + model + " is being learned from " + running.get().app() + " on "
                    + running.get().accelerator() + "; it is placed by the usual rules once that is learned", List.of());
        }
        Map<String, String> closed = new HashMap<>(working.closed());
        probations.reservedFor(app.app()).ifPresent(closed::remove); // being emptied for this very app
        ProbationPlanner.Start start = planner.start(working.placement(), app.app(), allowed, probations.priors(allowed),
                working.immovable(), closed, probations.settings().shareWhenNoneIdle());
        String trigger = "new app of " + model + ", a model with no profile for " + ids(allowed);
        Optional<PlannedStep> place = start instanceof ProbationPlanner.Start.Alone alone ? Optional.of(alone.place())
                : start instanceof ProbationPlanner.Start.Shared shared ? Optional.of(shared.place()) : Optional.empty();
        if (place.isPresent()) {
            String to = place.get().to();
            if (executor.apply(place.get(), trigger, place.get().reason())) {
                if (!dryRun) { // begun at once: the rest of the pass keeps off its accelerator
                    AcceleratorType type = working.accelerator(to).map(a -> a.type()).orElseThrow();
                    Probations.Trial trial = new Probations.Trial(app.app(), model, to, type, reading.nowMs());
                    probations.begin(trial);
                    working.close(to, Probations.why(trial));
                    tellBegun(trial);
                }
                return new Start.Placed();
            }
            return waiting(app, "its probation on " + to + " was held or failed; tried again later", List.of());
        }
        if (start instanceof ProbationPlanner.Start.Emptying emptying) {
            PlanExecutor.Execution done = executor.execute(emptying.moves(), step -> trigger + ": " + step.reason());
            if (!done.started().isEmpty()) { // kept from other apps while its apps leave
                probations.reserve(emptying.accelerator(), app.app(), reading.nowMs());
                working.close(emptying.accelerator(), "being emptied for the probation of " + app.app());
            }
            return waiting(app, done.started().isEmpty() ? "making " + emptying.accelerator() + " idle for its probation was"
                    + " held; tried again later" : "waiting for " + emptying.accelerator() + " to be emptied for its probation",
                    done.started());
        }
        String why = ((ProbationPlanner.Start.NoneFree) start).reason();
        executor.decline(app.app(), "probation of " + model + " cannot start: " + why, null, trigger, Optional.empty());
        return waiting(app, why + "; placed on probation once an accelerator frees up", List.of());
    }

    private void tellBegun(Probations.Trial trial) {
        reports.get().onProbation(trial.app(), "probation: learning the profile of " + trial.model() + " on "
                + trial.accelerator() + " (" + trial.type().id() + ") until its telemetry shows it");
    }

    private Start waiting(RunningApp app, String why, List<PlanStep.Move> started) {
        reports.get().waitingForProbation(app.app(), why);
        return new Start.Waiting(why, started);
    }

    /**
     * Follows the probations the cluster shows (telling the owners of those that began), and ends
     * those whose profile is learned: kept, recorded as a decision, the owner told. A profile the
     * store refuses is tried again at the next pass.
     */
    void pass(ClusterSnapshot snapshot) {
        Probations probations = reading.probations();
        long nowMs = reading.nowMs();
        Probations.Changes changes = probations.follow(snapshot, nowMs);
        changes.begun().forEach(this::tellBegun);
        for (Probations.Trial trial : changes.ended()) {
            if (snapshot.app(trial.app()).isPresent()) { // moved, or its model profiled by hand meanwhile
                reports.get().onProbation(trial.app(), null);
            }
        }
        for (Probations.Trial trial : probations.overdueUnheard(nowMs)) {
            if (warnedUnheard.add(trial)) {
                LOG.warn("probation of {} on {} has run out of time with no telemetry window from that accelerator:"
                        + " nothing to learn from, so it goes on (is the app's telemetry naming another accelerator?)",
                        trial.app(), trial.accelerator());
            }
        }
        warnedUnheard.retainAll(probations.trials());
        for (Probations.Learned learned : probations.due(nowMs)) {
            LearnedProfile profile = learned.profile();
            if (!learned.memoryReported()) {
                OptionalDouble measured = reading.residentMemoryMb(profile.app());
                if (measured.isPresent()) {
                    profile = profile.withMemoryMb(measured.getAsDouble());
                }
            }
            if (!dryRun && !kept(profile)) {
                continue;
            }
            probations.ended(learned.trial(), profile);
            String summary = summary(learned, profile);
            String dryRunNote = dryRun ? " (dry run: the profile is kept in memory only)" : "";
            reports.get().onProbation(profile.app(), null);
            DeviceVerdict alone = planner.alone(reading.current().placement(), profile.app(), profile.accelerator(),
                    profile.profile());
            if (alone.feasible()) {
                executor.decline(profile.app(), summary + "; it is placed and moved by the usual rules from now on"
                        + dryRunNote, null, "probation", Optional.of(profile.accelerator()));
            } else {
                // Kept running, it would hold an accelerator and break its SLO for good; stopped, it is
                // placed by the usual rules, which say that no accelerator takes it and why.
                executor.stop(profile.app(), profile.accelerator(), summary + dryRunNote + "; " + profile.model()
                        + " cannot keep the SLO of " + profile.app() + " even alone on " + profile.accelerator() + " ("
                        + alone.reason() + "), so it is stopped there", "probation", alone);
            }
        }
    }

    /** Keeps {@code profile} in the store; false, said once in the log, when the store refused it (tried again next pass). */
    private boolean kept(LearnedProfile profile) {
        try {
            store.keep(profile);
            lastRefusal = null;
            return true;
        } catch (ActuationException e) {
            if (!e.getMessage().equals(lastRefusal)) {
                LOG.warn("learned profile of {} not kept yet: {}", profile.model(), e.getMessage());
                lastRefusal = e.getMessage();
            }
            return false;
        }
    }

    /** What was learned, in one line: "probation ended: learned the profile of MODEL on TYPE from N requests: …". */
    private static String summary(Probations.Learned learned, LearnedProfile p) {
        String service = learned.precise()
                ? String.format(Locale.ROOT, "service %.2f ms ± %.2f (95 %%)", p.serviceMs(), Confidence.Z95 * learned.serviceStdErrMs())
                : String.format(Locale.ROOT, "service %.2f ms (the upper end of its interval: probation ran out of time)",
                p.serviceMs());
        return String.format(Locale.ROOT, "probation ended: learned the profile of %s on %s from %d requests: %s, swap %.2f ms%s,"
                        + " memory %.0f MB", p.model(), p.type().id(),
                p.requests(), service, p.swapMs(), p.type() == AcceleratorType.EDGETPU ? " (a prior until it shares)" : "",
                p.memoryMb());
    }

    private static String ids(Set<AcceleratorType> types) {
        return String.join(" or ", types.stream().map(AcceleratorType::id).toList());
    }
}
