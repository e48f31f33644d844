package dev.perch.model.profile;

import java.util.List;

/**
 * An edge cluster and its workload: nodes, the profile catalog, apps with their load timelines, the
 * network time every request pays, and how long the scenario runs in simulated seconds.
 */
public record Scenario(String name, double networkMs, List<NodeSpec> nodes, ProfileCatalog catalog, List<AppSpec> apps,
                       double lengthSec) {
    public static final double DEFAULT_LENGTH_SEC = 300;

    public Scenario {
        nodes = List.copyOf(nodes);
        apps = List.copyOf(apps);
    }
}
