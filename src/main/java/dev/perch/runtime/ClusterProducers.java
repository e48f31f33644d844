package dev.perch.runtime;

import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.ClusterView;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * Chooses the cluster Perch acts on. Here: the simulated edge cluster of the configured scenario,
 * whose clock is the controller's clock, so cooldowns run in simulated time.
 */
@ApplicationScoped
public class ClusterProducers {
    @Produces
    @Singleton
    Scenario scenario(PerchConfig config) {
        return ScenarioReader.load(config.scenario());
    }

    @Produces
    @Singleton
    @Typed(SimulatedCluster.class) // exposed as the ports by the two producers below only
    SimulatedCluster simulatedCluster(Scenario scenario, PerchConfig config) {
        long epochMs = System.currentTimeMillis() / 1000 * 1000;
        return new SimulatedCluster(scenario, config.seed(), epochMs, config.moveSec() * 1000);
    }

    @Produces
    @Singleton
    ClusterView view(SimulatedCluster cluster) {
        return cluster;
    }

    @Produces
    @Singleton
    ClusterActuator actuator(SimulatedCluster cluster) {
        return cluster;
    }

    @Produces
    @Singleton
    Clock clock(SimulatedCluster cluster) {
        return new SimClock(cluster::nowEpochMs);
    }

    @Produces
    @Singleton
    ProfileCatalog catalog(Scenario scenario) {
        return scenario.catalog();
    }
}
