package dev.perch.placement;

import dev.perch.model.profile.ModelProfile;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The loads of the apps on a device as the queueing models read them — each app's planned rate and
 * its profile on the device's type — and the path to it, memoised in the placement
 * ({@link Placement#memo}) until the device's apps change: a search builds them for each app it
 * tries there, and a pass tries hundreds of thousands.
 */
final class DeviceLoads {
    /** Memo key of the loads; the memo holds {@link Loads} or {@link #NO_PROFILE}. */
    private static final Object LOADS = new Object();
    /** An app on the device has no profile for its type. */
    private static final Object NO_PROFILE = new Object();

    private final PlacementPolicy policy;

    DeviceLoads(PlacementPolicy policy) {
        this.policy = policy;
    }

    /** The loads of the apps on a device, in its order, and the path of a request to it (its node's front end). */
    record Loads(AppLoad[] loads, EndToEnd path) {
        /** The loads as a new mutable list, with room for one more. */
        List<AppLoad> list() {
            List<AppLoad> list = new ArrayList<>(loads.length + 1);
            for (AppLoad load : loads) {
                list.add(load);
            }
            return list;
        }
    }

    /** The loads of the apps on {@code device}; null when one has no profile for its type. */
    Loads of(Placement placement, Device device) {
        Object memo = placement.recalled(device.id(), this, LOADS);
        if (memo == null) {
            memo = afresh(placement, placement.appsOn(device.id()), device);
            placement.memo(device.id(), this, LOADS, memo);
        }
        return memo == NO_PROFILE ? null : (Loads) memo;
    }

    /** The path of a request to a device on {@code host}: the network, then the app's front end there. */
    EndToEnd path(Placement placement, Host host) {
        return new EndToEnd(placement.networkMs(), host.frontendServiceMs(), policy.frontendCv());
    }

    /** The load of one app with the given profile. */
    AppLoad load(AppDemand app, ModelProfile profile) {
        return new AppLoad(app.app(), app.model(), policy.plannedRatePerSec(app.ratePerSec()), profile.serviceMs(),
                profile.swapMs(), 0);
    }

    private Object afresh(Placement placement, List<AppDemand> apps, Device device) {
        AppLoad[] loads = new AppLoad[apps.size()];
        for (int i = 0; i < apps.size(); i++) { // by index: no iterator over the read-only view
            AppDemand app = apps.get(i);
            Optional<ModelProfile> profile = app.profileOn(device.type());
            if (profile.isEmpty()) {
                return NO_PROFILE;
            }
            loads[i] = load(app, profile.get());
        }
        return new Loads(loads, path(placement, placement.host(device.node())));
    }
}
