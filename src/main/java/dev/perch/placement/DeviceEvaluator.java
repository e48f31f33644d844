package dev.perch.placement;

import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.LatencyModels;
import dev.perch.model.queueing.LatencySpread;
import dev.perch.model.queueing.MemoryFeasibility;
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
    private final DeviceLoads deviceLoads;
    /** The policy's, made once: a search asks for a node's limit a million times. */
    private final MemoryFeasibility memory;

    public DeviceEvaluator(PlacementPolicy policy) {
        this.policy = policy;
        this.memory = policy.memory();
        this.deviceLoads = new DeviceLoads(policy);
    }

    public PlacementPolicy policy() {
        return policy;
    }

    /** Evaluates {@code deviceId} as it is in {@code placement}: every app's full prediction, for reports. */
    public DeviceVerdict evaluate(Placement placement, String deviceId) {
        // Kept by what it reads: a pass evaluates a device with a new app, then again as it stands
        // before the next app placed there. Of the node a verdict reads only whether its memory fits
        // (and, when not, how much is used): sums of memory taken off and put back differ in the last bit.
        Host host = placement.host(placement.device(deviceId).node());
        boolean memoryFits = memoryFits(placement, host);
        double usedMb = usedMb(placement, host);
        if (placement.recalled(deviceId, this, Memo.VERDICT) instanceof KeptVerdict kept
                && kept.memoryFits() == memoryFits && (memoryFits || Double.compare(kept.usedMb(), usedMb) == 0)) {
            return kept.verdict();
        }
        DeviceVerdict verdict = evaluateAfresh(placement, deviceId);
        placement.memo(deviceId, this, Memo.VERDICT, new KeptVerdict(verdict, memoryFits, usedMb));
        return verdict;
    }

    /** What an evaluator memoises of a device's apps in the placement ({@link Placement#memo}), beside utilisations with one more app. */
    private enum Memo {
        /** The verdict, with what it read of the node. */
        VERDICT,
        /** The predicted utilisation as the device is. */
        UTILIZATION
    }

    /** A verdict and what it read of the device's node. */
    private record KeptVerdict(DeviceVerdict verdict, boolean memoryFits, double usedMb) {
    }

    private DeviceVerdict evaluateAfresh(Placement placement, String deviceId) {
        Device device = placement.device(deviceId);
        Host host = placement.host(device.node());
        List<AppDemand> apps = placement.appsOn(deviceId);
        DeviceLoads.Loads on = deviceLoads.of(placement, device);
        List<AppLoad> loads = on == null ? null : on.list();
        if (loads == null) {
            return infeasible(deviceId, apps, 0, noProfile(apps, device));
        }
        if (!memoryFits(placement, host)) {
            return infeasible(deviceId, apps, 0, memoryReason(placement, host));
        }

        AcceleratorPrediction prediction = LatencyModels.predict(device.type(), loads, on.path());
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
        return check(placement, deviceId, true);
    }

    /**
     * {@link #check}'s answer without its reason: a search that tries devices in order only asks
     * whether one fits, and writing why each one it passes over does not cost as much as the models.
     */
    public boolean feasible(Placement placement, String deviceId) {
        return check(placement, deviceId, false, false).feasible();
    }

    /** {@link #check}; with {@code reasons} false, an infeasible fit's reason is null (for searches that only compare fits). */
    Fit check(Placement placement, String deviceId, boolean reasons) {
        return check(placement, deviceId, reasons, true);
    }

    /**
     * {@link #check}. With {@code capFirst} the utilisation is computed alone first: a search that
     * meets many devices over the cap drops them before the means and their spreads, which cost
     * several times more. Without, the cap is judged on the utilisation the means (or the
     * prediction) compute anyway — the same number — for a caller whose devices are under the cap
     * by a what-if already ({@link #feasible}).
     */
    private Fit check(Placement placement, String deviceId, boolean reasons, boolean capFirst) {
        Device device = placement.device(deviceId);
        Host host = placement.host(device.node());
        List<AppDemand> apps = placement.appsOn(deviceId);
        DeviceLoads.Loads on = deviceLoads.of(placement, device);
        List<AppLoad> loads = on == null ? null : on.list();
        if (loads == null) {
            return Fit.no(0, noProfile(apps, device));
        }
        if (!memoryFits(placement, host)) {
            return Fit.no(0, reasons ? memoryReason(placement, host) : null);
        }
        boolean meansOnly = true;
        for (int i = 0; i < apps.size() && meansOnly; i++) { // no stream: a search asks it of thousands of devices
            meansOnly = apps.get(i).sloStatistic() == SloStatistic.MEAN;
        }
        EndToEnd path = on.path();
        double utilization = capFirst ? LatencyModels.utilization(device.type(), loads, path) : Double.NaN;
        if (utilization > policy.maxUtilization()) {
            return Fit.no(utilization, reasons ? utilizationReason(utilization) : null);
        }
        WindowedStatistic[] windows = new WindowedStatistic[apps.size()];
        if (meansOnly) {
            LatencyModels.Means means = LatencyModels.means(device.type(), loads, path);
            utilization = means.utilization();
            if (utilization > policy.maxUtilization()) {
                return Fit.no(utilization, reasons ? utilizationReason(utilization) : null);
            }
            if (means.meansMs() == null) {
                return Fit.no(utilization, "predicted unstable");
            }
            for (int i = 0; i < apps.size(); i++) {
                LatencySpread spread = means.spreads()[i];
                windows[i] = WindowedStatistic.of(SloStatistic.MEAN, means.meansMs()[i], spread, apps.get(i).sloWindowSec());
            }
        } else {
            AcceleratorPrediction prediction = LatencyModels.predict(device.type(), loads, path);
            utilization = prediction.utilization();
            if (utilization > policy.maxUtilization()) {
                return Fit.no(utilization, reasons ? utilizationReason(utilization) : null);
            }
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
            double shareOver = windows[i].exceedance(apps.get(i).sloMs());
            if (!policy.allowsWindowsOver(apps.get(i).sloStatistic(), shareOver)) {
                return Fit.no(utilization, reasons ? sloReason(apps.get(i), shareOver) : null);
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
        return usedMb <= memory.limitMb(host.memoryMb())
                && placement.serviceLoad(device.id()) + Placement.serviceLoadOf(app, device.type()) <= policy.maxUtilization();
    }

    /**
     * {@link #mayFit} for the device at {@code index} of the placement's devices, with the app's
     * profile on its type given ({@code null}: none) — the same sums, read from arrays, for a search
     * that asks it of a thousand devices for each of ten thousand apps.
     */
    boolean mayFitAt(Placement placement, int index, AppDemand app, ModelProfile profile) {
        if (profile == null) {
            return false;
        }
        double usedMb = placement.backendMemoryMbAt(index) + profile.memoryMb()
                + policy.frontendMemoryMb() * (placement.appCountOnNodeAt(index) + 1);
        return usedMb <= memory.limitMb(placement.hostAt(index).memoryMb())
                && placement.serviceLoadAt(index) + app.ratePerSec() * profile.serviceMs() / 1000 <= policy.maxUtilization();
    }

    /** The memory of a node that the policy's limit still leaves, in MB (negative when over it). */
    double memoryLeftMb(Placement placement, String node) {
        Host host = placement.host(node);
        return memory.limitMb(host.memoryMb()) - usedMb(placement, host);
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
                usedMb(placement, host) / memory.limitMb(host.memoryMb()));
    }

    /**
     * The predicted utilisation of a device with an unplaced app added (or as it is, when {@code app}
     * is null — remembered in the placement until the device's apps change), without changing the
     * placement.
     */
    public double utilizationWith(Placement placement, Device device, AppDemand app) {
        if (app == null) {
            Object remembered = placement.recalled(device.id(), this, Memo.UTILIZATION);
            if (remembered == null) {
                remembered = utilization(placement, device, null);
                placement.memo(device.id(), this, Memo.UTILIZATION, remembered);
            }
            return (Double) remembered;
        }
        Optional<ModelProfile> profile = app.profileOn(device.type());
        if (profile.isEmpty()) {
            return utilization(placement, device, app); // as before: no model of it for this type
        }
        // Kept by what of the app the models read: a pass places many apps of one model at one
        // rate, and each tries the devices that did not change since.
        LoadKey key = new LoadKey(app.model(), app.ratePerSec(), profile.get());
        Object remembered = placement.recalled(device.id(), this, key);
        if (remembered == null) {
            remembered = utilization(placement, device, app);
            placement.memo(device.id(), this, key, remembered);
        }
        return (Double) remembered;
    }

    /** What of an app the models of a device's utilisation read: its model, its rate and its profile on the device's type. */
    private record LoadKey(String model, double ratePerSec, ModelProfile profile) {
        @Override
        public int hashCode() { // the profile follows the model: not hashed, only compared
            return 31 * model.hashCode() + Double.hashCode(ratePerSec);
        }

        @Override
        public boolean equals(Object other) { // the profile by identity first: one catalog's, compared ten million times a pass
            return other instanceof LoadKey key && Double.compare(ratePerSec, key.ratePerSec) == 0
                    && model.equals(key.model) && (profile == key.profile || profile.equals(key.profile));
        }
    }

    private double utilization(Placement placement, Device device, AppDemand app) {
        DeviceLoads.Loads on = deviceLoads.of(placement, device);
        if (on == null) {
            return Double.POSITIVE_INFINITY;
        }
        List<AppLoad> loads = on.list();
        if (app != null) {
            loads.add(deviceLoads.load(app, app.profileOn(device.type()).orElseThrow()));
        }
        // One model on the device: no request swaps, so the order of arrivals, which the front ends
        // shape and which costs most of an Edge TPU's utilisation, changes nothing; the plain order
        // gives the same sum (DeviceEvaluatorTest holds the two equal).
        EndToEnd path = oneModel(loads) ? EndToEnd.NONE : on.path();
        return LatencyModels.utilization(device.type(), loads, path);
    }

    private static boolean oneModel(List<AppLoad> loads) {
        for (int i = 1; i < loads.size(); i++) {
            if (!loads.get(i).model().equals(loads.get(0).model())) {
                return false;
            }
        }
        return true;
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

    private static String noProfile(List<AppDemand> apps, Device device) {
        AppDemand app = apps.stream().filter(a -> a.profileOn(device.type()).isEmpty()).findFirst().orElseThrow();
        return "model " + app.model() + " of " + app.app() + " has no profile for " + device.type();
    }

    private boolean memoryFits(Placement placement, Host host) {
        return usedMb(placement, host) <= memory.limitMb(host.memoryMb());
    }

    private double usedMb(Placement placement, Host host) {
        return placement.backendMemoryMbOnNode(host.node())
                + policy.frontendMemoryMb() * placement.appCountOnNode(host.node());
    }

    private String memoryReason(Placement placement, Host host) {
        return String.format(Locale.ROOT, "node %s would use %.0f MB of memory, over its limit of %.0f MB", host.node(),
                usedMb(placement, host), memory.limitMb(host.memoryMb()));
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

    private static DeviceVerdict infeasible(String deviceId, List<AppDemand> apps, double utilization, String reason) {
        List<DeviceVerdict.AppVerdict> verdicts = apps.stream()
                .map(a -> new DeviceVerdict.AppVerdict(a.app(), null, a.sloMs(), a.sloStatistic(), a.sloWindowSec(),
                        Double.NaN, Double.NaN)).toList();
        return new DeviceVerdict(deviceId, false, reason, utilization, verdicts);
    }
}
