package dev.perch.controller;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ClusterNode;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.placement.AppDemand;
import dev.perch.placement.ClusterModel;
import dev.perch.placement.Device;
import dev.perch.placement.Host;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates what the cluster reports into the planner's picture: each app's rate is the one learned
 * from telemetry when there is one, else the rate its owner declared; its costs come from the catalog.
 * A migrating app counts on its target, where its load is going.
 */
final class ClusterModels {
    private ClusterModels() {
    }

    static ClusterModel from(ClusterSnapshot snapshot, ProfileCatalog catalog, LiveRates rates) {
        List<Host> hosts = snapshot.nodes().stream()
                .map(n -> new Host(n.node(), n.memoryMb(), n.frontendServiceMs())).toList();
        List<Device> devices = snapshot.nodes().stream().map(ClusterNode::accelerators).flatMap(List::stream)
                .map((Accelerator a) -> new Device(a.id(), a.node(), a.type())).toList();
        Map<String, AppDemand> apps = new LinkedHashMap<>();
        Map<String, String> assignment = new HashMap<>();
        for (RunningApp app : snapshot.apps()) {
            Map<AcceleratorType, ModelProfile> profiles = new EnumMap<>(AcceleratorType.class);
            for (AcceleratorType type : catalog.typesFor(app.spec().model())) {
                profiles.put(type, catalog.profile(app.spec().model(), type).orElseThrow());
            }
            double rate = rates.rate(app.app()).orElse(app.spec().ratePerSec());
            apps.put(app.app(), new AppDemand(app.app(), app.spec().model(), rate, app.spec().sloMs(),
                    app.spec().sloStatistic(), app.spec().sloWindowSec(), profiles));
            app.migratingTo().or(app::accelerator).ifPresent(device -> assignment.put(app.app(), device));
        }
        return new ClusterModel(snapshot.networkMs(), hosts, devices, apps, assignment);
    }
}
