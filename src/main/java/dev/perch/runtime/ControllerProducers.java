package dev.perch.runtime;

import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.LearnedProfiles;
import dev.perch.controller.AlertTally;
import dev.perch.controller.ControllerOutputs;
import dev.perch.controller.InboxProgress;
import dev.perch.controller.LiveRates;
import dev.perch.controller.Policy;
import dev.perch.controller.ProbationSettings;
import dev.perch.controller.Reconciler;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.placement.PlacementPolicy;
import dev.perch.streams.IdleClose;
import dev.perch.streams.PerchTopology;
import dev.perch.streams.TopologySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.Topology;

import java.time.Clock;
import dev.perch.cluster.Approvals;
import dev.perch.controller.Consolidation;
import dev.perch.controller.RecentDecisions;
import dev.perch.controller.history.LiveHistory;
import io.micrometer.core.instrument.MeterRegistry;
import dev.perch.controller.ControllerSettings;
import dev.perch.controller.Guards;

import java.time.Duration;
import java.util.function.Supplier;

/** Builds the plain (CDI-free) topology and controller objects from configuration. */
@ApplicationScoped
public class ControllerProducers {
    /**
     * The topology's priors follow the catalog the controller uses ({@code liveCatalog}): a profile
     * learned on probation, or added to the ConfigMap, is the prior of the model's apps from the next
     * window on, with no restart.
     */
    @Produces
    @Singleton
    Topology topology(Supplier<ProfileCatalog> catalog, IdleClose idleClose) {
        return PerchTopology.build(TopologySettings.defaults(catalog).withIdleClose(idleClose));
    }

    /** A replay's input is a recording, whole and bounded: its windows wait for their reports until it is in. */
    @Produces
    @Singleton
    static IdleClose idleClose(PerchConfig config) {
        return "replay".equals(config.mode()) ? new IdleClose.AtEndOfInput() : IdleClose.LIVE;
    }

    @Produces
    @Singleton
    LiveRates liveRates() {
        return new LiveRates();
    }

    @Produces
    @Singleton
    InboxProgress inboxProgress() {
        return new InboxProgress();
    }

    @Produces
    @Singleton
    AlertTally alertTally() {
        return new AlertTally();
    }

    @Produces
    @Singleton
    Reconciler reconciler(ClusterView view, ClusterActuator actuator, Supplier<ProfileCatalog> catalog, LiveRates rates,
                          ControllerOutputs outputs, Clock clock, PerchConfig config, Approvals approvals,
                          LearnedProfiles learnedProfiles) {
        return Reconciler.builder(view, actuator, clock).learnedProfiles(learnedProfiles, catalog).rates(rates)
                .outputs(outputs).approvals(approvals).settings(settings(config)).probation(probation(config))
                .telemetrySilence(Duration.ofSeconds(config.telemetry().silenceSec())).build();
    }

    /** When probation ends, from configuration; with nothing configured, {@link ProbationSettings#DEFAULT}. */
    static ProbationSettings probation(PerchConfig config) {
        PerchConfig.Probation probation = config.probation();
        return new ProbationSettings(probation.precision(), probation.minRequests(),
                Duration.ofSeconds(probation.longestSec()), probation.shareWhenNoneIdle());
    }

    /** The controller's settings from configuration; with nothing configured, {@link ControllerSettings#DEFAULT}. */
    static ControllerSettings settings(PerchConfig config) {
        PerchConfig.Guards limits = config.guards();
        PerchConfig.Consolidation packing = config.consolidation();
        return new ControllerSettings(Policy.parse(config.policy()), Duration.ofMillis((long) (config.cooldownSec() * 1000)),
                PlacementPolicy.DEFAULT.withMaxShareOfEdgeTpuLeft(config.admission().maxShareOfEdgeTpuLeft())
                        .withWindowCompliance(config.placement().windowCompliance())
                        .withPercentileModelMargin(config.placement().percentileModelMargin()),
                new Guards.Limits(limits.movesPerWindow(), limits.movesPerNode(), limits.inFlight(),
                        Duration.ofSeconds(limits.windowSec()), limits.approval()),
                limits.dryRun(),
                new Consolidation(packing.enabled(), Duration.ofSeconds(packing.periodSec()), packing.maxUtilization(),
                        packing.windowCompliance()));
    }

    /** At start-up, so that the counters exist at zero before the first decision (see {@link SloMetrics}). */
    @Produces
    @Singleton
    @io.quarkus.runtime.Startup
    SloMetrics sloMetrics(MeterRegistry registry, ClusterView view, Reconciler reconciler) {
        SloMetrics metrics = new SloMetrics(registry);
        metrics.watch(view, reconciler);
        return metrics;
    }

    @Produces
    @Singleton
    RecentDecisions recentDecisions() {
        return new RecentDecisions();
    }

    @Produces
    @Singleton
    LiveHistory liveHistory(PerchConfig config) {
        PerchConfig.LiveView bounds = config.liveView();
        return new LiveHistory(bounds.historyPoints(), bounds.acceleratorHistoryPoints(), bounds.historyEvents());
    }
}
