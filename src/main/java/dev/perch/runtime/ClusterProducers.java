package dev.perch.runtime;

import dev.perch.cluster.Approvals;
import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.LearnedProfiles;
import dev.perch.kubernetes.KubernetesCluster;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Chooses the cluster Perch acts on. In {@code run} mode: the Kubernetes cluster of the configured
 * API server ({@code kubernetes.KubernetesClusterProducer}), on the wall clock, with the profile
 * catalog of the {@code perch-catalog} ConfigMap (else the shipped one). Otherwise: the simulated edge
 * cluster of the configured scenario, whose clock is the controller's clock, so cooldowns run in
 * simulated time, and Perch's catalog is the scenario's {@link Scenario#catalog()} — never the figures
 * the simulator runs its {@code profiled: false} models by.
 */
@ApplicationScoped
public class ClusterProducers {
    /** How long the demo waits for the end of the telemetry topic at start-up before it starts its simulated time now. */
    private static final Duration EPOCH_READ_TIMEOUT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "127.0.0.1:9092")
    String bootstrapServers;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    static boolean onKubernetes(PerchConfig config) {
        return "run".equals(config.mode());
    }

    @Produces
    @Singleton
    Scenario scenario(PerchConfig config) {
        return ScenarioReader.load(config.scenario());
    }

    @Produces
    @Singleton
    @Typed(SimulatedCluster.class) // exposed as the ports by the producers below only
    SimulatedCluster simulatedCluster(Scenario scenario, PerchConfig config) {
        // The demo again on kept data goes on after the windows it published before (SimulatedEpoch).
        long epochMs = "demo".equals(config.mode())
                ? SimulatedEpoch.forDemo(bootstrapServers, KafkaClientSecurity.from(kafka), scenario, System.currentTimeMillis(), EPOCH_READ_TIMEOUT)
                : System.currentTimeMillis() / 1000 * 1000;
        return new SimulatedCluster(scenario, config.seed(), epochMs, config.moveSec() * 1000);
    }

    @Produces
    @Singleton
    ClusterView view(PerchConfig config, Instance<SimulatedCluster> simulated, Instance<KubernetesCluster> kubernetes) {
        return onKubernetes(config) ? kubernetes.get() : simulated.get();
    }

    @Produces
    @Singleton
    ClusterActuator actuator(PerchConfig config, Instance<SimulatedCluster> simulated, Instance<KubernetesCluster> kubernetes) {
        return onKubernetes(config) ? kubernetes.get() : simulated.get();
    }

    @Produces
    @Singleton
    Approvals approvals(PerchConfig config, Instance<KubernetesCluster> kubernetes) {
        return onKubernetes(config) ? kubernetes.get().approvals() : Approvals.NONE;
    }

    @Produces
    @Singleton
    Clock clock(PerchConfig config, Instance<SimulatedCluster> simulated) {
        return onKubernetes(config) ? Clock.systemUTC() : new SimClock(simulated.get()::nowEpochMs);
    }

    /**
     * The profile catalog as it is now, for the controller and the topology's priors alike: on Kubernetes the {@code perch-catalog}
     * ConfigMap's (hand-written {@code catalog.yaml} with the learned {@code learned.yaml}), followed
     * by an informer, as the inventory's validation of InferenceApps follows it — an app of a model
     * just added to the ConfigMap is placeable at once. In the demo, the scenario's catalog with the
     * profiles learned so far: the {@link #learnedProfiles} store itself, so a profile kept is in the
     * controller's catalog at its next pass.
     */
    @Produces
    @Singleton
    Supplier<ProfileCatalog> liveCatalog(PerchConfig config, Instance<KubernetesCluster> kubernetes,
                                         Instance<LearnedProfiles.InMemory> learnedInMemory) {
        if (onKubernetes(config)) {
            KubernetesCluster cluster = kubernetes.get();
            return cluster::catalog;
        }
        return learnedInMemory.get();
    }

    /**
     * Where the profiles learned on probation are kept: on Kubernetes, {@code learned.yaml} of the
     * {@code perch-catalog} ConfigMap; in the demo, in memory over the scenario's catalog (gone when
     * the process ends, as the simulated cluster is).
     */
    @Produces
    @Singleton
    LearnedProfiles learnedProfiles(PerchConfig config, Instance<KubernetesCluster> kubernetes,
                                    Instance<LearnedProfiles.InMemory> learnedInMemory) {
        return onKubernetes(config) ? kubernetes.get().learnedProfiles() : learnedInMemory.get();
    }

    /**
     * The demo's learned profiles, over the scenario's catalog: one object that is both the store the
     * controller keeps a profile in and its live catalog, and that the demo's summary reads ({@code kept()}).
     */
    @Produces
    @Singleton
    @Typed(LearnedProfiles.InMemory.class) // exposed as LearnedProfiles and the live catalog by the producers above only
    LearnedProfiles.InMemory learnedInMemory(Scenario scenario) {
        return new LearnedProfiles.InMemory(scenario.catalog());
    }
}
