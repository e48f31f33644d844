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
    }

    /** A profile learned, with the trial it ends. */
    record Learned(Trial trial, LearnedProfile profile, boolean precise, double serviceStdErrMs) {
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
            boolean same = was != null && Math.abs(is.serviceMs() - was.serviceMs()) <= settings.precision() * was.serviceMs()
                    && is.memoryMb() == was.memoryMb();
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

    /**
     * A conservative stand-in for an unknown model's profile on each type, until its telemetry says
     * more: the slowest service, the dearest swap and the largest memory of any model profiled for
     * the type (a type nothing is profiled for: a second a request, no swap, a gigabyte).
     */
    Map<AcceleratorType, ModelProfile> priors(Set<AcceleratorType> types) {
        ProfileCatalog catalog = base();
        Map<AcceleratorType, ModelProfile> priors = new EnumMap<>(AcceleratorType.class);
        for (AcceleratorType type : types) {
            double serviceMs = 0;
            double swapMs = 0;
            double memoryMb = 0;
            for (Map<AcceleratorType, ModelProfile> byType : catalog.models().values()) {
                ModelProfile profile = byType.get(type);
                if (profile != null) {
                    serviceMs = Math.max(serviceMs, profile.serviceMs());
                    swapMs = Math.max(swapMs, profile.swapMs());
                    memoryMb = Math.max(memoryMb, profile.memoryMb());
                }
            }
            priors.put(type, serviceMs > 0 ? new ModelProfile(serviceMs, swapMs, memoryMb, "probation prior")
                    : new ModelProfile(1000, 0, 1024, "probation prior"));
        }
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

    /** The probation accelerators, each with why it takes no other app. */
    synchronized Map<String, String> closed() {
        Map<String, String> closed = new HashMap<>();
        trials.values().forEach(t -> closed.put(t.accelerator(), "probation of " + t.app() + ": learning the profile of "
                + t.model() + " alone there"));
        return closed;
    }

    /**
     * The trials as {@code snapshot} shows them, at {@code nowMs}; returns those that began (a
     * trial of an app gone, moved or profiled since simply ends).
     */
    synchronized List<Trial> follow(ClusterSnapshot snapshot, long nowMs) {
        ProfileCatalog catalog = base();
        Map<String, Accelerator> accelerators = new HashMap<>();
        snapshot.accelerators().forEach(a -> accelerators.put(a.id(), a));
        Map<String, Trial> now = new LinkedHashMap<>();
        List<Trial> begun = new ArrayList<>();
        for (RunningApp app : snapshot.apps()) {
            Accelerator on = app.accelerator().filter(id -> !app.moving()).map(accelerators::get).orElse(null);
            if (on == null || catalog.profile(app.spec().model(), on.type()).isPresent()) {
                continue;
            }
            Trial was = trials.get(app.app());
            Trial trial = was != null && was.accelerator().equals(on.id()) ? was
                    : new Trial(app.app(), app.spec().model(), on.id(), on.type(), nowMs);
            if (trial != was) {
                begun.add(trial);
            }
            now.put(app.app(), trial);
        }
        trials.clear();
        trials.putAll(now);
        figures.keySet().retainAll(now.keySet());
        return begun;
    }

    /** Ends {@code trial}: {@code profile} is kept, so its app and accelerator follow the usual rules from now on. */
    synchronized void ended(Trial trial, LearnedProfile profile) {
        trials.remove(trial.app(), trial);
        figures.remove(trial.app());
        kept.removeIf(p -> p.model().equals(profile.model()) && p.type() == profile.type());
        kept.add(profile);
        keptVersion++;
    }

    /** The figures of a prediction window for the apps on probation on its accelerator (any thread). */
    void observe(PredictionRecord prediction) {
        for (PredictionRecord.AppPrediction app : prediction.apps()) {
            Confidence.Service service = app.confidence() == null ? null : app.confidence().service();
            if (app.serviceMs() == null || !(app.serviceMs() > 0) || service == null) {
                continue;
            }
            figures.put(app.app(), new Figures(prediction.accelerator(), app.serviceMs(), service.serviceStdErrMs(),
                    app.swapMs(), service.sampleRequests(), service.sampleSec(), app.memoryMb()));
        }
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
            double memoryMb = seen.memoryMb() != null && seen.memoryMb() > 0 ? seen.memoryMb() : prior.memoryMb();
            LearnedProfile profile = new LearnedProfile(trial.model(), trial.type(), serviceMs, swapMs, memoryMb,
                    trial.app(), trial.accelerator(), Math.round(seen.requests()), Instant.ofEpochMilli(nowMs));
            due.add(new Learned(trial, profile, precise, stdErrMs));
        }
        return due;
    }

    private ModelProfile provisionalProfile(Trial trial) {
        ModelProfile prior = priors(Set.of(trial.type())).get(trial.type());
        Figures seen = figures.get(trial.app());
        if (seen == null || !seen.accelerator().equals(trial.accelerator())) {
            return prior;
        }
        double memoryMb = seen.memoryMb() != null && seen.memoryMb() > 0 ? seen.memoryMb() : prior.memoryMb();
        return new ModelProfile(seen.serviceMs(), trial.type() == AcceleratorType.EDGETPU ? prior.swapMs() : 0, memoryMb,
                "probation of " + trial.app() + " on " + trial.accelerator() + " (provisional)");
    }
}
