package dev.perch.placement;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The planner's picture of a cluster: hosts, devices, every app's demand, and which device each
 * placed app is on — the immutable value handed between components. A planner works on it through
 * a {@link Placement}, its indexed, changeable working copy.
 */
public record ClusterModel(double networkMs, List<Host> hosts, List<Device> devices, Map<String, AppDemand> apps,
                           Map<String, String> assignment) {
    public ClusterModel {
        hosts = List.copyOf(hosts);
        devices = List.copyOf(devices);
        apps = Collections.unmodifiableMap(new LinkedHashMap<>(apps));
        assignment = Map.copyOf(assignment);
    }
}
