package dev.perch.controller;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.LearnedProfile;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.telemetry.Confidence;
import dev.perch.telemetry.PredictionRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The apps on probation — each alone on an accelerator while Perch learns its model's profile there
 * from its telemetry — and the end of each probation. Derived from the cluster, not remembered: a
 * placed app whose model has no profile (hand-written or learned) for its accelerator's type is on
 * probation there, so a controller that restarts resumes where its predecessor was.
 *
 * <p>While it lasts, the controller decides with a provisional profile of the model on that type
 * ({@link #catalog}: what the telemetry has shown so far, else the type's {@link #priors}), the
 * accelerator takes no other app ({@link #closed}), and the app is not moved ({@link #holds}).
 * It ends when the service mean's 95 % interval is within ±{@code precision} on at least {@code
 * minRequests} requests, or after {@code longest} with the interval's upper end; the profile is then
 * returned to be kept ({@link #due}). Figures arrive on the inbox's thread ({@link #observe}); the rest
 * runs under the reconciler's lock.
 */
final class Probations {
    /** One app on probation. */
    record Trial(String app, String model, String accelerator, AcceleratorType type, long startedMs) {
    }

    /** What the last prediction window on its probation accelerator said of an app's model. */
    record Figures(String accelerator, double serviceMs, Double serviceStdErrMs, Double swapMs, double requests,
                   double sampleSec, Double memoryMb) {
        /** Whether the app's telemetry said how much memory it holds. */
        boolean memoryReported() {
            return memoryMb != null && memoryMb > 0;
        }

        /** The memory the app reported, else {@code prior}'s. */
        double memoryMbOr(ModelProfile prior) {
            return memoryReported() ? memoryMb : prior.memoryMb();
        }
    }

    /** An accelerator being emptied for {@code app}'s probation, kept from other apps until {@code untilMs}. */
    private record Reservation(String app, long untilMs) {
    }

    /** How long an accelerator being emptied for a probation is kept from other apps at most (two moves' worth and more). */
    static final long RESERVED_MS = 120_000;

    /** A profile learned, with the trial it ends; {@code memoryReported}: its memory is the app's own, not the prior's. */
    record Learned(Trial trial, LearnedProfile profile, boolean precise, double serviceStdErrMs, boolean memoryReported) {
    }

    /** The fewest seconds of telemetry windows a learned profile rests on, however many requests. */
    static final double MIN_SAMPLE_SEC = 10;

    private final Supplier<ProfileCatalog> base;
    private final ProbationSettings settings;
    private final Map<String, Trial> trials = new LinkedHashMap<>();
    private final Map<String, Figures> figures = new ConcurrentHashMap<>();
    /** The provisional catalog and what it was made from, kept while those are the same. */
    private ProfileCatalog provisional;
    private ProfileCatalog provisionalBase;
    private Map<String, ModelProfile> provisionalFrom = Map.of();
    /** The apps on probation, read without the lock by {@link #observe}, on the inbox's thread. */
    private volatile Set<String> trialApps = Set.of();
    /** Accelerators being emptied for a probation, by the app waiting for it. */
    private final Map<String, Reservation> reserved = new HashMap<>();
    /** Profiles kept by this controller that its store's catalog does not show yet ({@link #base}). */
    private final List<LearnedProfile> kept = new ArrayList<>();
    private int keptVersion;
    private ProfileCatalog baseSeen;
    private ProfileCatalog baseWithKept;
    private int baseWithKeptVersion = -1;

    Probations(Supplier<ProfileCatalog> base, ProbationSettings settings) {
        this.base = base;
        this.settings = settings;
    }

    ProbationSettings settings() {
        return settings;
    }

    /**
     * The catalog written by hand, with the profiles learned so far — those this controller kept
     * included until its store's catalog shows them (on Kubernetes, once the ConfigMap's informer has
     * read the write): without them, the next pass would see the app on a type its model has no
     * profile for, and start its probation again. The same object while neither part changes.
     */
    synchronized ProfileCatalog base() {
        ProfileCatalog now = base.get();
        if (kept.removeIf(p -> now.profile(p.model(), p.type()).isPresent())) {
            keptVersion++;
        }
        if (kept.isEmpty()) {
            return now;
        }
        if (now != baseSeen || keptVersion != baseWithKeptVersion) {
            baseWithKept = now.withLearned(LearnedProfile.catalog(kept));
            baseSeen = now;
            baseWithKeptVersion = keptVersion;
        }
        return baseWithKept;
    }

    /**
     * The catalog the controller decides with: {@link #base} and, for each model on probation, a
     * provisional profile on its probation accelerator's type. The same object while neither changes
     * (the controller keeps its models of the cluster while their catalog is the same object); a
     * provisional service time is taken again only when it moves by more than the precision wanted
     * (a new catalog is a new cluster shape, and apps that wait for room are tried again in one).
     */
    synchronized ProfileCatalog catalog() {
        ProfileCatalog now = base();
        if (trials.isEmpty()) {
            return now;
        }
        Map<String, ModelProfile> from = new HashMap<>();
        for (Trial trial : trials.values()) {
            ModelProfile was = provisionalFrom.get(trial.app());
            ModelProfile is = provisionalProfile(trial);
            boolean same = was != null && near(is.serviceMs(), was.serviceMs()) && near(is.memoryMb(), was.memoryMb());
            from.put(trial.app(), same ? was : is);
        }
        if (provisional == null || now != provisionalBase || !from.equals(provisionalFrom)) {
            ProfileCatalog catalog = now;
            for (Trial trial : trials.values()) {
                catalog = catalog.with(trial.model(), trial.type(), from.get(trial.app()));
            }
            provisional = catalog;
            provisionalBase = now;
            provisionalFrom = Map.copyOf(from);
        }
        return provisional;
    }

    /** Within the precision wanted of each other: a provisional figure nearer than that is not taken again. */
    private boolean near(double now, double was) {
        return Math.abs(now - was) <= settings.precision() * was;
    }

    /**
     * The types {@code spec} may run on in a cluster of {@code types} when its model is profiled for
     * none of them — empty when it is profiled for one (then it is placed by the usual rules). An
     * owner who names no types lets a model nobody profiled be tried on any type of the cluster, and
     * a profiled one run where it is profiled.
     */
    Set<AcceleratorType> unprofiledTypes(AppSpec spec, Set<AcceleratorType> types) {
        ProfileCatalog catalog = base();
        if (spec.acceleratorTypes().isEmpty() && catalog.knows(spec.model())) {
            return Set.of(); // a profiled model its owner names no types for runs where it is profiled, by the usual rules
        }
        Set<AcceleratorType> allowed = EnumSet.noneOf(AcceleratorType.class);
        for (AcceleratorType type : types) {
            if (spec.mayRunOn(type)) {
                if (catalog.profile(spec.model(), type).isPresent()) {
                    return Set.of();
                }
                allowed.add(type);
            }
        }
        return allowed;
    }

    /** The conservative prior on each of {@code types} ({@link ProfileCatalog#conservativePrior}). */
    Map<AcceleratorType, ModelProfile> priors(Set<AcceleratorType> types) {
        ProfileCatalog catalog = base();
        Map<AcceleratorType, ModelProfile> priors = new EnumMap<>(AcceleratorType.class);
        types.forEach(type -> priors.put(type, catalog.conservativePrior(type)));
        return priors;
    }

    /** The trial learning {@code model}'s profile, if one runs. */
    synchronized Optional<Trial> trialOf(String model) {
        return trials.values().stream().filter(t -> t.model().equals(model)).findFirst();
    }

    /** Whether {@code app} is on probation (no plan moves it). */
    synchronized boolean holds(String app) {
        return trials.containsKey(app);
    }

    /**
     * The probation accelerators, each with why it takes no other app, and those being emptied for a
     * probation (until the app waiting for it is placed, or {@link #RESERVED_MS} has passed).
     */
    synchronized Map<String, String> closed() {
        Map<String, String> closed = new HashMap<>();
        reserved.forEach((accelerator, reservation) -> closed.put(accelerator, "being emptied for the probation of "
                + reservation.app()));
        trials.values().forEach(t -> closed.put(t.accelerator(), why(t)));
        return closed;
    }

    static String why(Trial trial) {
        return "probation of " + trial.app() + ": learning the profile of " + trial.model() + " alone there";
    }

    /** The accelerator reserved for {@code app}'s probation, if one is being emptied for it. */
    synchronized Optional<String> reservedFor(String app) {
        return reserved.entrySet().stream().filter(e -> e.getValue().app().equals(app)).map(Map.Entry::getKey).findFirst();
    }

    /** Keeps {@code accelerator}, being emptied for {@code app}'s probation, from other apps meanwhile. */
    synchronized void reserve(String accelerator, String app, long nowMs) {
        reserved.values().removeIf(r -> r.app().equals(app));
        reserved.put(accelerator, new Reservation(app, nowMs + RESERVED_MS));
    }

    /**
     * Begins {@code trial} as its app is placed, so that the rest of the pass — the next apps, the
     * answers to alerts, consolidation — already keeps off its accelerator and leaves it alone.
     */
    synchronized void begin(Trial trial) {
        trials.put(trial.app(), trial);
        reserved.values().removeIf(r -> r.app().equals(trial.app()));
        trialApps = Set.copyOf(trials.keySet());
    }

    /** Forgets every probation: a replica that no longer leads decides nothing, and the next leader derives them again. */
    synchronized void forget() {
        trials.clear();
        reserved.clear();
        figures.clear();
        trialApps = Set.of();
    }

    /** What {@link #follow} found: the trials that began and those that ended without a profile kept. */
    record Changes(List<Trial> begun, List<Trial> ended) {
    }

    /**
     * The trials as {@code snapshot} shows them, at {@code nowMs}: each placed app whose model has no
     * profile for its accelerator's type, one app a model (the one already on probation, else the
     * first in the cluster's order: after an operator deletes a learned entry, the model's apps all
     * run unprofiled, and one of them learns it again where it runs). A trial whose app is gone,
     * moved or profiled since simply ends.
     */
    synchronized Changes follow(ClusterSnapshot snapshot, long nowMs) {
        ProfileCatalog catalog = base();
        Map<String, Accelerator> accelerators = new HashMap<>();
        snapshot.accelerators().forEach(a -> accelerators.put(a.id(), a));
        Map<String, RunningApp> unprofiled = new LinkedHashMap<>();
        Map<String, Accelerator> on = new HashMap<>();
        for (RunningApp app : snapshot.apps()) {
            Accelerator at = app.accelerator().filter(id -> !app.moving()).map(accelerators::get).orElse(null);
            if (at != null && catalog.profile(app.spec().model(), at.type()).isEmpty()) {
                unprofiled.put(app.app(), app);
                on.put(app.app(), at);
            }
        }
        Map<String, Trial> now = new LinkedHashMap<>();
        Set<String> models = new java.util.HashSet<>();
        for (Trial was : trials.values()) { // a running trial keeps its model's place
            Accelerator at = on.get(was.app());
            if (at != null && at.id().equals(was.accelerator())) {
                now.put(was.app(), was);
                models.add(was.model());
            }
        }
        List<Trial> begun = new ArrayList<>();
        for (RunningApp app : unprofiled.values()) {
            if (!now.containsKey(app.app()) && models.add(app.spec().model())) {
                Accelerator at = on.get(app.app());
                Trial trial = new Trial(app.app(), app.spec().model(), at.id(), at.type(), nowMs);
                now.put(app.app(), trial);
                begun.add(trial);
            }
        }
        List<Trial> ended = trials.values().stream().filter(t -> !t.equals(now.get(t.app()))).toList();
        trials.clear();
        trials.putAll(now);
        trialApps = Set.copyOf(now.keySet());
        figures.keySet().retainAll(now.keySet());
        reserved.values().removeIf(r -> r.untilMs() <= nowMs || now.containsKey(r.app()));
        return new Changes(begun, ended);
    }

    /** Ends {@code trial}: {@code profile} is kept, so its app and accelerator follow the usual rules from now on. */
    synchronized void ended(Trial trial, LearnedProfile profile) {
        trials.remove(trial.app(), trial);
        trialApps = Set.copyOf(trials.keySet());
        figures.remove(trial.app());
        kept.removeIf(p -> p.model().equals(profile.model()) && p.type() == profile.type());
        kept.add(profile);
        keptVersion++;
    }

    /** The figures of a prediction window for the apps on probation on its accelerator (any thread). */
    void observe(PredictionRecord prediction) {
        Set<String> onProbation = trialApps;
        if (onProbation.isEmpty()) {
            return;
        }
        for (PredictionRecord.AppPrediction app : prediction.apps()) {
            if (!onProbation.contains(app.app())) {
                continue;
            }
            Confidence.Service service = app.confidence() == null ? null : app.confidence().service();
            if (app.serviceMs() == null || !(app.serviceMs() > 0) || service == null) {
                continue;
            }
            figures.put(app.app(), new Figures(prediction.accelerator(), app.serviceMs(), service.serviceStdErrMs(),
                    app.swapMs(), service.sampleRequests(), service.sampleSec(), app.memoryMb()));
        }
    }

    /** The apps on probation now. */
    synchronized Set<Trial> trials() {
        return Set.copyOf(trials.values());
    }

    /** The probations out of time at {@code nowMs} with no window heard from their accelerator: nothing to learn from. */
    synchronized List<Trial> overdueUnheard(long nowMs) {
        return trials.values().stream().filter(t -> nowMs - t.startedMs() >= settings.longest().toMillis())
                .filter(t -> !Optional.ofNullable(figures.get(t.app())).map(f -> f.accelerator().equals(t.accelerator()))
                        .orElse(false)).toList();
    }

    /** The probations that end at {@code nowMs}, each with its learned profile (not kept yet: the caller keeps it). */
    synchronized List<Learned> due(long nowMs) {
        List<Learned> due = new ArrayList<>();
        for (Trial trial : trials.values()) {
            Figures seen = figures.get(trial.app());
            if (seen == null || !seen.accelerator().equals(trial.accelerator())) {
                continue;
            }
            double stdErrMs = seen.serviceStdErrMs() == null ? Double.NaN : seen.serviceStdErrMs();
            // A standard error from a few windows rests on a few degrees of freedom: at a high rate the
            // requests add up within seconds, so some seconds of windows are asked for too.
            boolean precise = Double.isFinite(stdErrMs) && seen.requests() >= settings.minRequests()
                    && seen.sampleSec() >= MIN_SAMPLE_SEC && Confidence.Z95 * stdErrMs <= settings.precision() * seen.serviceMs();
            boolean overdue = nowMs - trial.startedMs() >= settings.longest().toMillis();
            if (!precise && !overdue) {
                continue;
            }
            // Out of time, the upper end of the interval (a fifth more when nothing bounds it): too slow a
            // profile costs a little packing, too fast a one breaks the SLOs of the apps placed beside it.
            double serviceMs = precise ? seen.serviceMs()
                    : Double.isFinite(stdErrMs) ? seen.serviceMs() + Confidence.Z95 * stdErrMs : seen.serviceMs() * 1.2;
            ModelProfile prior = priors(Set.of(trial.type())).get(trial.type());
            double swapMs = trial.type() != AcceleratorType.EDGETPU ? 0
                    : seen.swapMs() != null && seen.swapMs() > 0 ? seen.swapMs() : prior.swapMs();
            double memoryMb = seen.memoryMbOr(prior);
            LearnedProfile profile = new LearnedProfile(trial.model(), trial.type(), serviceMs, swapMs, memoryMb,
                    trial.app(), trial.accelerator(), Math.round(seen.requests()), Instant.ofEpochMilli(nowMs));
            due.add(new Learned(trial, profile, precise, stdErrMs, seen.memoryReported()));
        }
        return due;
    }

    private ModelProfile provisionalProfile(Trial trial) {
        ModelProfile prior = priors(Set.of(trial.type())).get(trial.type());
        Figures seen = figures.get(trial.app());
        if (seen == null || !seen.accelerator().equals(trial.accelerator())) {
            return prior;
        }
        return new ModelProfile(seen.serviceMs(), trial.type() == AcceleratorType.EDGETPU ? prior.swapMs() : 0,
                seen.memoryMbOr(prior),
                "probation of " + trial.app() + " on " + trial.accelerator() + " (provisional)");
    }
}
