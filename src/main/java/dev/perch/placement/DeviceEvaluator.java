package dev.perch.placement;

import dev.perch.model.profile.ModelProfile;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.LatencyModels;
import dev.perch.model.queueing.MemoryFeasibility;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a device with a given set of apps meets the hard constraints — memory of its node
 * within the policy's share, every app's model profiled for the device type, predicted utilisation
 * under the cap, every app's predicted latency within its SLO — from the queueing models.
 *
 * <p>Each app is checked on the statistic its SLO names: mean, p50, p95 or p99.
 */
public final class DeviceEvaluator {
    private final PlacementPolicy policy;

    public DeviceEvaluator(PlacementPolicy policy) {
        this.policy = policy;
    }

    public PlacementPolicy policy() {
        return policy;
    }

    /** Evaluates {@code deviceId} as it is in {@code cluster}. */
    public DeviceVerdict evaluate(ClusterModel cluster, String deviceId) {
        Device device = cluster.device(deviceId)
                .orElseThrow(() -> new IllegalArgumentException("unknown device " + deviceId));
        Host host = cluster.host(device.node())
                .orElseThrow(() -> new IllegalArgumentException("device " + deviceId + " on unknown node " + device.node()));
        List<AppDemand> apps = cluster.appsOn(deviceId);

        List<AppLoad> loads = new ArrayList<>(apps.size());
        for (AppDemand app : apps) {
            Optional<ModelProfile> profile = app.profileOn(device.type());
            if (profile.isEmpty()) {
                return infeasible(deviceId, apps, 0, "model " + app.model() + " of " + app.app()
                        + " has no profile for " + device.type());
            }
            loads.add(new AppLoad(app.app(), app.model(), app.ratePerSec(), profile.get().serviceMs(), profile.get().swapMs(), 0));
        }

        List<Double> backends = cluster.backendMemoryOnNode(device.node());
        MemoryFeasibility memory = policy.memory();
        if (!memory.fits(backends, host.memoryMb())) {
            return infeasible(deviceId, apps, 0, String.format("node %s would use %.0f MB of memory, over its limit of %.0f MB",
                    host.node(), memory.usedMb(backends), memory.limitMb(host.memoryMb())));
        }

        AcceleratorPrediction prediction = LatencyModels.predict(device.type(), loads,
                new EndToEnd(cluster.networkMs(), host.frontendServiceMs(), policy.frontendCv()));
        if (prediction instanceof AcceleratorPrediction.Unstable unstable) {
            return infeasible(deviceId, apps, unstable.utilization(), "predicted unstable: " + unstable.reason());
        }
        AcceleratorPrediction.Stable stable = (AcceleratorPrediction.Stable) prediction;
        List<DeviceVerdict.AppVerdict> verdicts = new ArrayList<>(apps.size());
        String broken = null;
        for (int i = 0; i < apps.size(); i++) {
            AppDemand app = apps.get(i);
            AppLatency latency = stable.apps().get(i);
            DeviceVerdict.AppVerdict verdict = new DeviceVerdict.AppVerdict(app.app(), latency, app.sloMs(),
                    app.sloStatistic());
            verdicts.add(verdict);
            if (broken == null && !verdict.sloMet()) {
                broken = String.format("%s predicted %s %.1f ms, over its SLO of %.0f ms", app.app(), app.sloStatistic(),
                        verdict.predictedMs(), app.sloMs());
            } else if (broken == null && verdict.predictedMs() > policy.plannableMs(app.sloMs())) {
                broken = String.format("%s predicted %s %.1f ms, within its SLO of %.0f ms but not its %.0f %% headroom",
                        app.app(), app.sloStatistic(), verdict.predictedMs(), app.sloMs(), 100 * policy.sloHeadroom());
            }
        }
        if (broken != null) {
            return new DeviceVerdict(deviceId, false, broken, stable.utilization(), verdicts);
        }
        if (stable.utilization() > policy.maxUtilization()) {
            return new DeviceVerdict(deviceId, false, String.format("predicted utilization %.2f over the cap of %.2f",
                    stable.utilization(), policy.maxUtilization()), stable.utilization(), verdicts);
        }
        return new DeviceVerdict(deviceId, true, "every SLO met", stable.utilization(), verdicts);
    }

    private static DeviceVerdict infeasible(String deviceId, List<AppDemand> apps, double utilization, String reason) {
        List<DeviceVerdict.AppVerdict> verdicts = apps.stream()
                .map(a -> new DeviceVerdict.AppVerdict(a.app(), null, a.sloMs(), a.sloStatistic())).toList();
        return new DeviceVerdict(deviceId, false, reason, utilization, verdicts);
    }
}
