package dev.perch.placement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The planner's picture of a cluster: hosts, devices, every app's demand, and which device each
 * placed app is on. Immutable; {@link #with} returns the picture after a hypothetical change.
 */
public record ClusterModel(double networkMs, List<Host> hosts, List<Device> devices, Map<String, AppDemand> apps,
                           Map<String, String> assignment) {
    public ClusterModel {
        hosts = List.copyOf(hosts);
        devices = List.copyOf(devices);
        apps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(apps));
        assignment = Map.copyOf(assignment);
    }

    public Optional<Device> device(String id) {
        return devices.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    public Optional<Host> host(String node) {
        return hosts.stream().filter(h -> h.node().equals(node)).findFirst();
    }

    /** Apps on a device, in the order of {@link #apps()} so predictions are reproducible. */
    public List<AppDemand> appsOn(String deviceId) {
        List<AppDemand> on = new ArrayList<>();
        for (AppDemand app : apps.values()) {
            if (deviceId.equals(assignment.get(app.app()))) {
                on.add(app);
            }
        }
        return on;
    }

    /** Apps on any device of a node. */
    public List<AppDemand> appsOnNode(String node) {
        List<AppDemand> on = new ArrayList<>();
        for (AppDemand app : apps.values()) {
            String deviceId = assignment.get(app.app());
            if (deviceId != null && device(deviceId).map(d -> d.node().equals(node)).orElse(false)) {
                on.add(app);
            }
        }
        return on;
    }

    /** The backend memory of every app on a node, on the device type it runs on there (front ends not included). */
    public List<Double> backendMemoryOnNode(String node) {
        List<Double> backends = new ArrayList<>();
        for (AppDemand app : appsOnNode(node)) {
            Device on = device(assignment.get(app.app())).orElseThrow();
            backends.add(app.profileOn(on.type()).map(dev.perch.model.profile.ModelProfile::memoryMb).orElse(0.0));
        }
        return backends;
    }

    public Optional<String> deviceOf(String app) {
        return Optional.ofNullable(assignment.get(app));
    }

    /** The picture with {@code app} on {@code deviceId} (or unplaced when {@code deviceId} is null). */
    public ClusterModel with(String app, String deviceId) {
        Map<String, String> next = new HashMap<>(assignment);
        if (deviceId == null) {
            next.remove(app);
        } else {
            next.put(app, deviceId);
        }
        return new ClusterModel(networkMs, hosts, devices, apps, next);
    }
}
