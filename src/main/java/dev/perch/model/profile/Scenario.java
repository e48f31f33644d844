package dev.perch.model.profile;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An edge cluster and its workload: nodes, the profile catalog, apps with their load timelines, the
 * network time every request pays, and how long the scenario runs in simulated seconds.
 *
 * <p>Two catalogs, for two readers. {@link #catalog()} is what Perch is given — planner, controller,
 * topology, predictions: the profiled models only. {@link #simulatorProfile} adds the models a
 * scenario declares {@code profiled: false} ({@link #unprofiledModels()}), whose figures only the
 * simulator may use: they are how those models really run, and what Perch will have to learn.
 *
 * @param catalog          what Perch knows: the profiled models
 * @param unprofiledModels the figures of the models Perch's catalog lacks — the simulator's truth alone
 */
public record Scenario(String name, double networkMs, List<NodeSpec> nodes, ProfileCatalog catalog, List<AppSpec> apps,
                       double lengthSec, ProfileCatalog unprofiledModels) {
    public static final double DEFAULT_LENGTH_SEC = 300;

    public Scenario {
        nodes = List.copyOf(nodes);
        apps = List.copyOf(apps);
        for (String model : unprofiledModels.models().keySet()) {
            if (catalog.knows(model)) {
                throw new IllegalArgumentException("model '" + model + "' is both profiled and unprofiled");
            }
        }
    }

    /** A scenario every model of which Perch's catalog holds. */
    public Scenario(String name, double networkMs, List<NodeSpec> nodes, ProfileCatalog catalog, List<AppSpec> apps,
                    double lengthSec) {
        this(name, networkMs, nodes, catalog, apps, lengthSec, ProfileCatalog.empty());
    }

    /**
     * How {@code model} runs on {@code type}, profiled or not: what the simulated cluster executes.
     * Never for Perch, which would then know what it has not learned.
     */
    public Optional<ModelProfile> simulatorProfile(String model, AcceleratorType type) {
        return catalog.profile(model, type).or(() -> unprofiledModels.profile(model, type));
    }

    /** The models of the scenario's apps that Perch has no profile for, in the order of the apps. */
    public Set<String> unprofiledModelsInUse() {
        Set<String> used = new java.util.LinkedHashSet<>();
        apps.stream().map(AppSpec::model).filter(unprofiledModels::knows).forEach(used::add);
        return used;
    }

    /** The same scenario with other apps (the catalogs, profiled and not, kept). */
    public Scenario withApps(List<AppSpec> otherApps) {
        return new Scenario(name, networkMs, nodes, catalog, otherApps, lengthSec, unprofiledModels);
    }
}
