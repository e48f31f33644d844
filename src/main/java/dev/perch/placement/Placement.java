package dev.perch.placement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A planner's working copy of a placement: the cluster of a {@link ClusterModel} with an assignment
 * that can be changed — and changed back — in time independent of the cluster's size, so a search
 * can try thousands of hypothetical moves. Indexed by device (its apps, in the cluster's app order,
 * so predictions are reproducible) and by node (backend memory in use, number of apps).
 *
 * <p>{@link ClusterModel} is the immutable value handed between components; this class lives inside
 * one decision. Not thread-safe.
 */
public final class Placement {
    private final ClusterModel cluster;
    private final Map<String, Device> devices = new LinkedHashMap<>();
    private final Map<String, Host> hosts = new HashMap<>();
    private final Map<String, Integer> appOrder = new HashMap<>();
    private final Map<String, String> deviceOfApp = new HashMap<>();
    private final Map<String, List<AppDemand>> appsOnDevice = new HashMap<>();
    private final Map<String, NodeUse> nodeUse = new HashMap<>();
    private final Map<String, DeviceUse> deviceUse = new HashMap<>();
    /** The same, by a device's position in {@link #devices()}: a search over every device reads these, not the maps. */
    private final Host[] hostAt;
    private final NodeUse[] nodeUseAt;
    private final DeviceUse[] deviceUseAt;
    private final List<List<AppDemand>> appsAt;

    /** Backend memory in use on a node and the number of apps (each with a front end) there. */
    private static final class NodeUse {
        double backendMb;
        int apps;
    }

    /** A device's swap-free load, its apps, and what was computed from them ({@link #memo}). */
    private static final class DeviceUse {
        double serviceLoad;
        List<AppDemand> apps;
        /** The memos of the apps it has now; null when they changed since the last was asked for. */
        AppsState state;
        /** The last few sets of apps it had, each with its memos: a search's change undone brings them back. */
        AppsState[] recent;
        int nextRecent;
    }

    /** Sets of apps a device keeps memos of: a move tried and undone, then made, comes back to one of the last two. */
    private static final int RECENT_STATES = 4;

    /** A device's apps (the same objects, in order) and the values owners computed from them, by owner and key. */
    private static final class AppsState {
        final AppDemand[] apps;
        Object[] owners = new Object[1];
        @SuppressWarnings("unchecked")
        Map<Object, Object>[] values = new Map[1];

        AppsState(AppDemand[] apps) {
            this.apps = apps;
        }

        boolean holds(List<AppDemand> on) {
            if (apps.length != on.size()) {
                return false;
            }
            for (int i = 0; i < apps.length; i++) {
                if (apps[i] != on.get(i)) {
                    return false;
                }
            }
            return true;
        }

        /** The owner's values (created when {@code create}), found by identity: a state has one or two owners. */
        Map<Object, Object> of(Object owner, boolean create) {
            int i = 0;
            while (i < owners.length && owners[i] != null) {
                if (owners[i] == owner) {
                    return values[i];
                }
                i++;
            }
            if (!create) {
                return null;
            }
            if (i == owners.length) {
                owners = java.util.Arrays.copyOf(owners, i + 1);
                values = java.util.Arrays.copyOf(values, i + 1);
            }
            owners[i] = owner;
            values[i] = new HashMap<>();
            return values[i];
        }
    }

    private Placement(ClusterModel cluster) {
        this.cluster = cluster;
        for (Host host : cluster.hosts()) {
            hosts.put(host.node(), host);
            nodeUse.put(host.node(), new NodeUse());
        }
        for (Device device : cluster.devices()) {
            if (!hosts.containsKey(device.node())) {
                throw new IllegalArgumentException("device " + device.id() + " on unknown node " + device.node());
            }
            devices.put(device.id(), device);
            DeviceUse use = new DeviceUse();
            use.apps = new ArrayList<>();
            appsOnDevice.put(device.id(), use.apps);
            deviceUse.put(device.id(), use);
        }
        int i = 0;
        for (String app : cluster.apps().keySet()) {
            appOrder.put(app, i++);
        }
        List<Device> all = cluster.devices();
        hostAt = new Host[all.size()];
        nodeUseAt = new NodeUse[all.size()];
        deviceUseAt = new DeviceUse[all.size()];
        appsAt = new ArrayList<>(all.size());
        for (int d = 0; d < all.size(); d++) {
            Device device = all.get(d);
            hostAt[d] = hosts.get(device.node());
            nodeUseAt[d] = nodeUse.get(device.node());
            deviceUseAt[d] = deviceUse.get(device.id());
            appsAt.add(appsOnDevice.get(device.id()));
        }
    }

    /**
     * A working copy of {@code cluster} with its assignment. Built in the cluster's app order, so
     * each device's list grows by appending — the order {@link #assign} keeps — rather than by an
     * ordered insert per app: the controller copies a full cluster (10,000 apps) for every decision.
     */
    public static Placement of(ClusterModel cluster) {
        Placement placement = new Placement(cluster);
        Map<String, String> assignment = cluster.assignment();
        int placed = 0;
        for (AppDemand demand : cluster.apps().values()) {
            String deviceId = assignment.get(demand.app());
            if (deviceId != null) {
                placement.add(demand, placement.device(deviceId), placement.appsOnDevice.get(deviceId).size());
                placed++;
            }
        }
        if (placed != assignment.size()) {
            assignment.keySet().stream().filter(app -> !cluster.apps().containsKey(app)).findFirst()
                    .ifPresent(placement::app); // throws: an assignment of an app the cluster does not have
        }
        return placement;
    }

    /** The placement as an immutable value. */
    public ClusterModel snapshot() {
        return new ClusterModel(cluster.networkMs(), cluster.hosts(), cluster.devices(), cluster.apps(), deviceOfApp);
    }

    public double networkMs() {
        return cluster.networkMs();
    }

    public List<Device> devices() {
        return cluster.devices();
    }

    public Device device(String id) {
        Device device = devices.get(id);
        if (device == null) {
            throw new IllegalArgumentException("unknown device " + id);
        }
        return device;
    }

    public Host host(String node) {
        return hosts.get(node);
    }

    /** Every app of the cluster, placed or not, in the cluster's order. */
    public Map<String, AppDemand> apps() {
        return cluster.apps();
    }

    public AppDemand app(String app) {
        AppDemand demand = cluster.apps().get(app);
        if (demand == null) {
            throw new IllegalArgumentException("unknown app " + app);
        }
        return demand;
    }

    public Optional<String> deviceOf(String app) {
        return Optional.ofNullable(deviceOfApp.get(app));
    }

    public int placedCount() {
        return deviceOfApp.size();
    }

    /** Apps on a device, in the cluster's app order; a read-only view. */
    public List<AppDemand> appsOn(String deviceId) {
        List<AppDemand> on = appsOnDevice.get(deviceId);
        if (on == null) {
            throw new IllegalArgumentException("unknown device " + deviceId);
        }
        return Collections.unmodifiableList(on);
    }

    /** The host of the device at {@code index} of {@link #devices()}. */
    public Host hostAt(int index) {
        return hostAt[index];
    }

    /** {@link #backendMemoryMbOnNode} of the node of the device at {@code index} of {@link #devices()}. */
    public double backendMemoryMbAt(int index) {
        return nodeUseAt[index].backendMb;
    }

    /** {@link #appCountOnNode} of the node of the device at {@code index} of {@link #devices()}. */
    public int appCountOnNodeAt(int index) {
        return nodeUseAt[index].apps;
    }

    /** {@link #serviceLoad} of the device at {@code index} of {@link #devices()}. */
    public double serviceLoadAt(int index) {
        return deviceUseAt[index].serviceLoad;
    }

    /** Whether no app runs on the device at {@code index} of {@link #devices()}. */
    public boolean idleAt(int index) {
        return appsAt.get(index).isEmpty();
    }

    /** Sum of the backend memory of the apps on a node, each on the device type it runs on there. */
    public double backendMemoryMbOnNode(String node) {
        return nodeUse.get(node).backendMb;
    }

    /** Apps on any device of a node (each has a front end there). */
    public int appCountOnNode(String node) {
        return nodeUse.get(node).apps;
    }

    /**
     * Σ λ·S over the apps on a device — its utilisation without swaps, a lower bound of the predicted
     * utilisation that costs nothing to keep, so a search can drop devices before any model runs.
     */
    public double serviceLoad(String deviceId) {
        return deviceUse.get(deviceId).serviceLoad;
    }

    /**
     * The value {@code owner} memoised ({@link #memo}) under {@code key} for {@code deviceId} when it
     * had the apps it has now (the same objects, in the same order), or null — one mechanism for
     * every value computed from a device's apps alone, so a search computes it once while it tries
     * thousands of changes elsewhere. A change undone, or made again, brings the values of the apps
     * the device had back (the last {@value #RECENT_STATES} sets): a search tries an app on a device
     * and takes it off, and a pass evaluates a device with a new app, then again as it stands before
     * the next. What else a value read (its node's use) is the owner's to check.
     */
    public Object recalled(String deviceId, Object owner, Object key) {
        Map<Object, Object> values = state(deviceUse(deviceId)).of(owner, false);
        return values == null ? null : values.get(key);
    }

    /** Keeps {@code value}, computed by {@code owner} from the apps now on {@code deviceId}, under {@code key} ({@link #recalled}). */
    public void memo(String deviceId, Object owner, Object key, Object value) {
        state(deviceUse(deviceId)).of(owner, true).put(key, value);
    }

    private DeviceUse deviceUse(String deviceId) {
        DeviceUse use = deviceUse.get(deviceId);
        if (use == null) {
            throw new IllegalArgumentException("unknown device " + deviceId);
        }
        return use;
    }

    /** The memos of the apps the device has now: the last state, one of the recent ones again, or a new one. */
    private static AppsState state(DeviceUse use) {
        if (use.state != null) {
            return use.state;
        }
        if (use.recent == null) {
            use.recent = new AppsState[RECENT_STATES];
        }
        for (AppsState recent : use.recent) {
            if (recent != null && recent.holds(use.apps)) {
                use.state = recent;
                return recent;
            }
        }
        AppsState state = new AppsState(use.apps.toArray(new AppDemand[0]));
        use.recent[use.nextRecent] = state;
        use.nextRecent = (use.nextRecent + 1) % RECENT_STATES;
        use.state = state;
        return state;
    }

    /** What one app adds to {@link #serviceLoad} on a device of the given type (0 without a profile). */
    public static double serviceLoadOf(AppDemand app, dev.perch.model.profile.AcceleratorType type) {
        return app.profileOn(type).map(p -> app.ratePerSec() * p.serviceMs() / 1000).orElse(0.0);
    }

    /**
     * Puts {@code app} on {@code deviceId}, or takes it off every device when {@code deviceId} is null.
     * Returns the device it was on before (null when none), so a search can undo the change.
     */
    public String assign(String app, String deviceId) {
        AppDemand demand = app(app);
        String before = deviceOfApp.get(app);
        if (before != null) {
            Device from = devices.get(before);
            removeSame(appsOnDevice.get(before), demand);
            NodeUse use = nodeUse.get(from.node());
            use.backendMb -= backendMb(demand, from);
            use.apps--;
            DeviceUse fromUse = deviceUse.get(before);
            fromUse.serviceLoad -= serviceLoadOf(demand, from.type());
            fromUse.state = null;
            deviceOfApp.remove(app);
        }
        if (deviceId != null) {
            Device to = device(deviceId);
            List<AppDemand> on = appsOnDevice.get(deviceId);
            int order = appOrder.get(app);
            int at = 0;
            while (at < on.size() && appOrder.get(on.get(at).app()) < order) {
                at++;
            }
            add(demand, to, at);
        }
        return before;
    }

    /** Puts an app that is on no device on {@code to}, at index {@code at} of its list (kept in the cluster's app order). */
    private void add(AppDemand demand, Device to, int at) {
        appsOnDevice.get(to.id()).add(at, demand);
        NodeUse use = nodeUse.get(to.node());
        use.backendMb += backendMb(demand, to);
        use.apps++;
        DeviceUse toUse = deviceUse.get(to.id());
        toUse.serviceLoad += serviceLoadOf(demand, to.type());
        toUse.state = null;
        deviceOfApp.put(demand.app(), to.id());
    }

    /** Removes {@code demand} itself: the list holds the cluster's objects, and a record's equals compares every field. */
    private static void removeSame(List<AppDemand> on, AppDemand demand) {
        for (int i = 0; i < on.size(); i++) {
            if (on.get(i) == demand) {
                on.remove(i);
                return;
            }
        }
    }

    private static double backendMb(AppDemand demand, Device device) {
        return demand.profileOn(device.type()).map(dev.perch.model.profile.ModelProfile::memoryMb).orElse(0.0);
    }
}
