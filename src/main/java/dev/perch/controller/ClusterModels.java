package dev.perch.controller;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ClusterNode;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.placement.AppDemand;
import dev.perch.placement.ClusterModel;
import dev.perch.placement.Device;
import dev.perch.placement.Host;
import dev.perch.placement.Placement;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Translates what the cluster reports into the planner's picture: each app's rate is the one learned
 * from telemetry when there is one, else the rate its owner declared; its costs come from the catalog.
 * A migrating app counts on its target, where its load is going.
 *
 * <p>An instance keeps each app's demand from the last translation and uses it again while the
 * app's spec, rate and the catalog are the same: the controller translates the whole cluster (10,000
 * apps) for each alert it answers, and the demands were a third of that. Not thread-safe (the
 * {@link Reconciler}'s lock).
 */
final class ClusterModels {
    private record Known(AppSpec spec, double rate, ProfileCatalog catalog, AppDemand demand) {
    }

    private Map<String, Known> known = new HashMap<>();

    /** One translation, with nothing kept. */
    static ClusterModel from(ClusterSnapshot snapshot, ProfileCatalog catalog, LiveRates rates) {
        return new ClusterModels().of(snapshot, catalog, rates);
    }

    ClusterModel of(ClusterSnapshot snapshot, ProfileCatalog catalog, LiveRates rates) {
        List<Host> hosts = snapshot.nodes().stream()
                .map(n -> new Host(n.node(), n.memoryMb(), n.frontendServiceMs())).toList();
        List<Device> devices = snapshot.nodes().stream().map(ClusterNode::accelerators).flatMap(List::stream)
                .map((Accelerator a) -> new Device(a.id(), a.node(), a.type())).toList();
        Map<String, AppDemand> apps = new LinkedHashMap<>();
        Map<String, String> assignment = new HashMap<>();
        Map<String, Known> now = new HashMap<>();
        Set<String> deviceIds = devices.stream().map(Device::id).collect(Collectors.toSet());
        for (RunningApp app : snapshot.apps()) {
            double rate = rates.rate(app.app()).orElse(app.spec().ratePerSec());
            Known before = known.get(app.app());
            Known demand = before != null && before.catalog() == catalog && before.rate() == rate
                    && (before.spec() == app.spec() || before.spec().equals(app.spec())) ? before
                    : new Known(app.spec(), rate, catalog, demand(app.spec(), rate, catalog));
            now.put(app.app(), demand);
            apps.put(app.app(), demand.demand());
            countedOn(app, deviceIds).ifPresent(device -> assignment.put(app.app(), device));
        }
        known = now; // apps gone are forgotten
        return new ClusterModel(snapshot.networkMs(), hosts, devices, apps, assignment);
    }

    /**
     * {@code placement} — the working copy of {@code before}, as {@link #of} made it — brought to
     * {@code after} in place, when only where apps run changed: the same nodes and accelerators, the
     * same apps in the same order, each with the demand the copy has (spec, rate and catalog as
     * then). Each app that runs elsewhere is moved on the copy (a moving app counts on its target, as
     * in {@link #of}); with {@code ratesUnchanged} (no rate learned since the copy was made) an app
     * whose spec is the very object it was is not looked up again. False, the copy untouched, when
     * anything else changed: then make it afresh.
     * An alert's answer that moves an app changes the view, and reading and modelling 10,000 apps
     * again for the next alert cost it 15–30 ms.
     */
    boolean update(ClusterSnapshot before, ClusterSnapshot after, ProfileCatalog catalog, LiveRates rates,
                   boolean ratesUnchanged, Placement placement) {
        if (after.networkMs() != before.networkMs() || after.apps().size() != before.apps().size()
                || !after.nodes().equals(before.nodes())) {
            return false;
        }
        List<RunningApp> apps = after.apps();
        Set<String> deviceIds = after.accelerators().stream().map(Accelerator::id).collect(Collectors.toSet());
        for (int i = 0; i < apps.size(); i++) {
            RunningApp app = apps.get(i);
            RunningApp was = before.apps().get(i);
            if (app.spec() == was.spec() && ratesUnchanged) {
                continue; // the same spec object, no rate learned since: the demand the copy has
            }
            Known known = this.known.get(app.app());
            double rate = rates.rate(app.app()).orElse(app.spec().ratePerSec());
            if (!app.app().equals(was.app()) || known == null || known.catalog() != catalog
                    || known.rate() != rate || !(known.spec() == app.spec() || known.spec().equals(app.spec()))
                    || placement.app(app.app()) != known.demand()) {
                return false;
            }
        }
        for (int i = 0; i < apps.size(); i++) {
            RunningApp app = apps.get(i);
            RunningApp was = before.apps().get(i);
            if (app.accelerator().equals(was.accelerator()) && app.migratingTo().equals(was.migratingTo())) {
                continue; // where the copy already has it
            }
            String device = countedOn(app, deviceIds).orElse(null);
            if (!java.util.Objects.equals(placement.deviceOf(app.app()).orElse(null), device)) {
                placement.assign(app.app(), device);
            }
        }
        return true;
    }

    /**
     * The accelerator an app counts on: a moving app's target, else where it is served, else (after
     * the switch) the source its old copy still holds — the first of these the cluster still has. A
     * move to a node just lost (deleted, not Ready) is still in the app's record until the cluster
     * rolls it back; counted there, it made every pass fail on an accelerator the model does not have.
     */
    private static Optional<String> countedOn(RunningApp app, Set<String> deviceIds) {
        return app.migratingTo().filter(deviceIds::contains).or(() -> app.accelerator().filter(deviceIds::contains))
                .or(() -> app.migratingFrom().filter(deviceIds::contains));
    }

    private static AppDemand demand(AppSpec spec, double rate, ProfileCatalog catalog) {
        Map<AcceleratorType, ModelProfile> profiles = new EnumMap<>(AcceleratorType.class);
        for (AcceleratorType type : catalog.typesFor(spec.model())) {
            if (spec.mayRunOn(type)) { // the types its owner built it for, however many its model is profiled for
                profiles.put(type, catalog.profile(spec.model(), type).orElseThrow());
            }
        }
        return new AppDemand(spec.app(), spec.model(), rate, spec.sloMs(), spec.sloStatistic(), spec.sloWindowSec(), profiles);
    }
}
