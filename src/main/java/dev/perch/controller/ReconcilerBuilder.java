package dev.perch.controller;

import dev.perch.cluster.Approvals;
import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.LearnedProfiles;
import dev.perch.model.profile.ProfileCatalog;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/** Builds a {@link Reconciler}: its ports, and settings that default to {@link ControllerSettings#DEFAULT}. */
public final class ReconcilerBuilder {
    final ClusterView view;
    final ClusterActuator actuator;
    final Clock clock;
    Supplier<ProfileCatalog> catalog;
    LiveRates rates = new LiveRates();
    ControllerOutputs outputs = ControllerOutputs.NONE;
    Approvals approvals = Approvals.NONE;
    ControllerSettings settings = ControllerSettings.DEFAULT;
    Duration telemetrySilence = Reconciler.DEFAULT_TELEMETRY_SILENCE;
    LearnedProfiles learnedProfiles;
    ProbationSettings probation = ProbationSettings.DEFAULT;

    ReconcilerBuilder(ClusterView view, ClusterActuator actuator, Clock clock) {
        this.view = Objects.requireNonNull(view);
        this.actuator = Objects.requireNonNull(actuator);
        this.clock = Objects.requireNonNull(clock);
    }

    public ReconcilerBuilder catalog(ProfileCatalog catalog) {
        Objects.requireNonNull(catalog);
        this.catalog = () -> catalog;
        return this;
    }

    /** A catalog that may change while the controller runs (the ConfigMap's, on Kubernetes). */
    public ReconcilerBuilder catalog(Supplier<ProfileCatalog> catalog) {
        this.catalog = Objects.requireNonNull(catalog);
        return this;
    }

    /**
     * Where the profiles learned on probation are kept, with the catalog that includes them: the
     * controller decides with {@code catalogWithLearned} (the hand-written catalog with them).
     * Without it, a model nobody profiled is learned on probation and kept in this controller's memory only.
     */
    public ReconcilerBuilder learnedProfiles(LearnedProfiles store,
                                                                          Supplier<ProfileCatalog> catalogWithLearned) {
        this.learnedProfiles = Objects.requireNonNull(store);
        this.catalog = Objects.requireNonNull(catalogWithLearned);
        return this;
    }

    /** When a probation ends ({@code perch.probation.*}). */
    public ReconcilerBuilder probation(ProbationSettings probation) {
        this.probation = Objects.requireNonNull(probation);
        return this;
    }

    public ReconcilerBuilder rates(LiveRates rates) {
        this.rates = Objects.requireNonNull(rates);
        return this;
    }

    public ReconcilerBuilder outputs(ControllerOutputs outputs) {
        this.outputs = Objects.requireNonNull(outputs);
        return this;
    }

    public ReconcilerBuilder approvals(Approvals approvals) {
        this.approvals = Objects.requireNonNull(approvals);
        return this;
    }

    public ReconcilerBuilder settings(ControllerSettings settings) {
        this.settings = Objects.requireNonNull(settings);
        return this;
    }

    /** How long without telemetry for a placed app before its owner is told ({@code perch.telemetry.silence-sec}). */
    public ReconcilerBuilder telemetrySilence(Duration silence) {
        this.telemetrySilence = Objects.requireNonNull(silence);
        return this;
    }

    public Reconciler build() {
        if (catalog == null) {
            throw new IllegalStateException("a controller needs a profile catalog");
        }
        if (learnedProfiles == null) { // kept in this controller's memory, over the catalog it was given
            LearnedProfiles.InMemory inMemory = new LearnedProfiles.InMemory(catalog);
            learnedProfiles = inMemory;
            catalog = inMemory;
        }
        return new Reconciler(this);
    }
}
