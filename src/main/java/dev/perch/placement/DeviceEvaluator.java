package dev.perch.placement;

import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.LatencyModels;
import dev.perch.model.queueing.LatencySpread;
import dev.perch.model.queueing.WindowedStatistic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a device with a given set of apps meets the hard constraints — memory of its node
 * within the policy's share, every app's model profiled for the device type, predicted utilisation
 * under the cap, every app's SLO kept in the policy's share of its windows — from the queueing
 * models.
 *
 * <p>Each app is checked on the statistic its SLO names (mean, p50, p95 or p99) over the window it
 * names ({@code sloWindowSec}): the device is feasible only where the model of that statistic over a
 * window ({@link WindowedStatistic}) puts it over the SLO in at most
 * {@link PlacementPolicy#windowsAllowedOver} of the app's windows.
 */
public final class DeviceEvaluator {
    private final PlacementPolicy policy;

    public DeviceEvaluator(PlacementPolicy policy) {
        this.policy = policy;
    }

    public PlacementPolicy policy() {
        return policy;
    }

    /** Evaluates {@code deviceId} as it is in {@code placement}: every app's full prediction, for reports. */
    public DeviceVerdict evaluate(Placement placement, String deviceId) {
        Device device = placement.device(deviceId);
        Host host = placement.host(device.node());
        List<AppDemand> apps = placement.appsOn(deviceId);
        List<AppLoad> loads = loads(apps, device);
        if (loads == null) {
            return infeasible(deviceId, apps, 0, noProfile(apps, device));
        }
        if (!memoryFits(placement, host)) {
            return infeasible(deviceId, apps, 0, memoryReason(placement, host));
        }

        AcceleratorPrediction prediction = LatencyModels.predict(device.type(), loads, path(placement, host));
        if (prediction instanceof AcceleratorPrediction.Unstable unstable) {
            return infeasible(deviceId, apps, unstable.utilization(), "predicted unstable: " + unstable.reason());
        }
        AcceleratorPrediction.Stable stable = (AcceleratorPrediction.Stable) prediction;
        List<DeviceVerdict.AppVerdict> verdicts = new ArrayList<>(apps.size());
        String broken = null;
        for (int i = 0; i < apps.size(); i++) {
            AppDemand app = apps.get(i);
            AppLatency latency = stable.apps().get(i);
            WindowedStatistic window = latency.window(app.sloStatistic(), app.sloWindowSec());
            double shareOver = window.exceedance(app.sloMs());
            verdicts.add(new DeviceVerdict.AppVerdict(app.app(), latency, app.sloMs(), app.sloStatistic(),
                    app.sloWindowSec(), window.quantile(policy.plannedWindowCompliance(app.sloStatistic())), shareOver));
            if (broken == null) {
                broken = sloReason(app, shareOver);
            }
        }
        if (broken != null) {
            return new DeviceVerdict(deviceId, false, broken, stable.utilization(), verdicts);
        }
        if (stable.utilization() > policy.maxUtilization()) {
            return new DeviceVerdict(deviceId, false, utilizationReason(stable.utilization()), stable.utilization(),
                    verdicts);
        }
        return new DeviceVerdict(deviceId, true, "every SLO met", stable.utilization(), verdicts);
    }

    /**
     * Whether {@code deviceId} as it is in {@code placement} meets the hard constraints — the same
     * answer as {@link #evaluate}, found cheaply for a search: the cheap bounds first (profiles, node
     * memory, utilisation cap), then only the means when every SLO there is on the mean, else the
     * full tail model.
     */
    public Fit check(Placement placement, String deviceId) {
        Device device = placement.device(deviceId);
        Host host = placement.host(device.node());
        List<AppDemand> apps = placement.appsOn(deviceId);
        List<AppLoad> loads = loads(apps, device);
        if (loads == null) {
            return Fit.no(0, noProfile(apps, device));
        }
        if (!memoryFits(placement, host)) {
            return Fit.no(0, memoryReason(placement, host));
        }
        boolean meansOnly = apps.stream().allMatch(a -> a.sloStatistic() == SloStatistic.MEAN);
        LatencyModels.Means means = meansOnly ? LatencyModels.means(device.type(), loads, path(placement, host)) : null;
        double utilization = meansOnly ? means.utilization()
                : LatencyModels.utilization(device.type(), loads, path(placement, host));
        if (utilization > policy.maxUtilization()) {
            return Fit.no(utilization, utilizationReason(utilization));
        }
        WindowedStatistic[] windows = new WindowedStatistic[apps.size()];
        if (meansOnly) {
            if (means.meansMs() == null) {
                return Fit.no(utilization, "predicted unstable");
            }
            for (int i = 0; i < apps.size(); i++) {
                LatencySpread spread = means.spreads()[i];
                windows[i] = WindowedStatistic.of(SloStatistic.MEAN, means.meansMs()[i], spread, apps.get(i).sloWindowSec());
            }
        } else {
            AcceleratorPrediction prediction = LatencyModels.predict(device.type(), loads, path(placement, host));
            if (prediction instanceof AcceleratorPrediction.Unstable unstable) {
                return Fit.no(utilization, "predicted unstable: " + unstable.reason());
            }
            List<AppLatency> latencies = ((AcceleratorPrediction.Stable) prediction).apps();
            for (int i = 0; i < apps.size(); i++) {
                windows[i] = latencies.get(i).window(apps.get(i).sloStatistic(), apps.get(i).sloWindowSec());
            }
        }
        double minSlack = 1;
        for (int i = 0; i < apps.size(); i++) {
            String broken = sloReason(apps.get(i), windows[i].exceedance(apps.get(i).sloMs()));
            if (broken != null) {
                return Fit.no(utilization, broken);
            }
            minSlack = Math.min(minSlack, 1 - windows[i].quantile(policy.plannedWindowCompliance(apps.get(i).sloStatistic())) / apps.get(i).sloMs());
        }
        return new Fit(true, utilization, minSlack, "every SLO met");
    }

    /**
     * Whether an unplaced app could fit on a device by the bounds that cost nothing — a profile for
     * the device type, its node's memory, and the swap-free utilisation {@link Placement#serviceLoad}
     * under the cap — so that most devices are dropped before any model runs. False means it cannot
     * fit; true means {@link #check} must still decide.
     */
    public boolean mayFit(Placement placement, Device device, AppDemand app) {
        Optional<ModelProfile> profile = app.profileOn(device.type());
        if (profile.isEmpty()) {
            return false;
        }
        Host host = placement.host(device.node());
        double usedMb = placement.backendMemoryMbOnNode(host.node()) + profile.get().memoryMb()
                + policy.frontendMemoryMb() * (placement.appCountOnNode(host.node()) + 1);
        return usedMb <= policy.memory().limitMb(host.memoryMb())
                && placement.serviceLoad(device.id()) + Placement.serviceLoadOf(app, device.type()) <= policy.maxUtilization();
    }

    /** The memory of a node that the policy's limit still leaves, in MB (negative when over it). */
    double memoryLeftMb(Placement placement, String node) {
        Host host = placement.host(node);
        return policy.memory().limitMb(host.memoryMb()) - usedMb(placement, host);
    }

    /**
     * How full a device is in the resource that runs out first: the larger of its swap-free load
     * ({@link Placement#serviceLoad}) over the utilisation cap and its node's memory over the limit.
     * Edge TPUs fill by load, Jetsons by memory (three or four 0.7–1.1 GB models fill a 4 GB node
     * while its GPU is a third busy).
     */
    public double dominantShare(Placement placement, Device device) {
        Host host = placement.host(device.node());
        return Math.max(placement.serviceLoad(device.id()) / policy.maxUtilization(),
                usedMb(placement, host) / policy.memory().limitMb(host.memoryMb()));
    }

    /**
     * The predicted utilisation of a device with an unplaced app added (or as it is, when {@code app}
     * is null — remembered in the placement until the device's apps change), without changing the
     * placement.
     */
    public double utilizationWith(Placement placement, Device device, AppDemand app) {
        if (app == null) {
            double remembered = placement.remembered(device.id(), this);
            if (Double.isNaN(remembered)) {
                remembered = utilization(placement, device, null);
                placement.remember(device.id(), this, remembered);
            }
            return remembered;
        }
        return utilization(placement, device, app);
    }

    private double utilization(Placement placement, Device device, AppDemand app) {
        List<AppLoad> loads = loads(placement.appsOn(device.id()), device);
        if (loads == null) {
            return Double.POSITIVE_INFINITY;
        }
        if (app != null) {
            loads.add(load(app, app.profileOn(device.type()).orElseThrow()));
        }
        return LatencyModels.utilization(device.type(), loads, path(placement, placement.host(device.node())));
    }

    /**
     * The outcome of {@link #check}: feasible or not, the predicted utilisation, the smallest relative
     * SLO slack (as {@link DeviceVerdict#minSlack}; meaningful only when feasible) and why not.
     */
    public record Fit(boolean feasible, double utilization, double minSlack, String reason) {
        static Fit no(double utilization, String reason) {
            return new Fit(false, utilization, Double.NEGATIVE_INFINITY, reason);
        }
    }

    /** The apps' loads on the device's type (a mutable list, room for one more); null when one has no profile. */
    private List<AppLoad> loads(List<AppDemand> apps, Device device) {
        List<AppLoad> loads = new ArrayList<>(apps.size() + 1);
        for (AppDemand app : apps) {
            Optional<ModelProfile> profile = app.profileOn(device.type());
            if (profile.isEmpty()) {
                return null;
            }
            loads.add(load(app, profile.get()));
        }
        return loads;
    }

    private AppLoad load(AppDemand app, ModelProfile profile) {
        return new AppLoad(app.app(), app.model(), policy.plannedRatePerSec(app.ratePerSec()), profile.serviceMs(),
                profile.swapMs(), 0);
    }

    private static String noProfile(List<AppDemand> apps, Device device) {
        AppDemand app = apps.stream().filter(a -> a.profileOn(device.type()).isEmpty()).findFirst().orElseThrow();
        return "model " + app.model() + " of " + app.app() + " has no profile for " + device.type();
    }

    private boolean memoryFits(Placement placement, Host host) {
        return usedMb(placement, host) <= policy.memory().limitMb(host.memoryMb());
    }

    private double usedMb(Placement placement, Host host) {
        return placement.backendMemoryMbOnNode(host.node())
                + policy.frontendMemoryMb() * placement.appCountOnNode(host.node());
    }

    private String memoryReason(Placement placement, Host host) {
        return String.format(Locale.ROOT, "node %s would use %.0f MB of memory, over its limit of %.0f MB", host.node(),
                usedMb(placement, host), policy.memory().limitMb(host.memoryMb()));
    }

    private String utilizationReason(double utilization) {
        return String.format(Locale.ROOT, "predicted utilization %.2f over the cap of %.2f", utilization, policy.maxUtilization());
    }

    /**
     * Why an app whose statistic is predicted over its SLO in {@code shareOver} of its windows breaks
     * the policy's promise; null when it keeps it.
     */
    private String sloReason(AppDemand app, double shareOver) {
        if (policy.allowsWindowsOver(app.sloStatistic(), shareOver)) {
            return null;
        }
        return String.format(Locale.ROOT, "%s %s over %d s windows predicted above its SLO of %.0f ms in %s of windows,"
                        + " over the %s allowed", app.app(), app.sloStatistic(), app.sloWindowSec(), app.sloMs(),
                percent(shareOver), percent(policy.windowsAllowedOver(app.sloStatistic())));
    }

    /** A share as a percentage with the digits that matter: "2.3 %", "64 %", "1 %", "0.1 %". */
    static String percent(double share) {
        double pct = 100 * share;
        String text = pct >= 10 ? String.format(Locale.ROOT, "%.0f", pct)
                : new java.math.BigDecimal(pct).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString();
        return text + " %";
    }

    private EndToEnd path(Placement placement, Host host) {
        return new EndToEnd(placement.networkMs(), host.frontendServiceMs(), policy.frontendCv());
    }

    private static DeviceVerdict infeasible(String deviceId, List<AppDemand> apps, double utilization, String reason) {
        List<DeviceVerdict.AppVerdict> verdicts = apps.stream()
                .map(a -> new DeviceVerdict.AppVerdict(a.app(), null, a.sloMs(), a.sloStatistic(), a.sloWindowSec(),
                        Double.NaN, Double.NaN)).toList();
        return new DeviceVerdict(deviceId, false, reason, utilization, verdicts);
    }
}
