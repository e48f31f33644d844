package dev.perch.placement;

import dev.perch.model.profile.AcceleratorType;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The one reason admission turns away a new app that would fit: it can run only on Edge TPUs, and it
 * would take more than {@link PlacementPolicy#maxShareOfEdgeTpuLeft} of the Edge TPU time the cluster
 * has left.
 *
 * <p>Why. An Edge TPU serves one request at a time, so its time is a budget that apps' loads
 * (rate × service time) use up; the device is full when their sum reaches the utilisation cap. Apps
 * are counted, not weighed: one app at half a device's time hosts one app where the same time would
 * host three at a sixth each. A planner that admits whatever fits, in arrival order, lets a heavy
 * early app crowd out several later ones for good — on the generated {@code small} clusters (one or
 * two Edge TPUs, at most one Jetson, about four apps per device) that is most of Perch's gap to the
 * oracle, and no moves can close it (the oracle shows that Perch's apps plus any one more cannot all
 * be hosted). So an app that only Edge TPUs can run is admitted only while its load is a small share
 * of what is left. On a large cluster this bites only when it is nearly full: on eight idle Edge
 * TPUs an app may take up to 0.35 × 8 devices' time.
 *
 * <p>Apps that another accelerator type in the cluster can run are never turned away by this rule:
 * the planner puts a heavy model where it adds least (an Inception-V3 takes a Jetson about half the
 * time it takes an Edge TPU), and Jetsons fill by memory, for which a share of what is left measured
 * the same way turned away apps that the oracle hosts.
 *
 * <p>The share, 0.35, is the middle of the range where the gap to the oracle is smallest; the
 * figures are in docs/decisions/0002-edge-tpu-reserve.md. 1 turns the rule off: an app that fits
 * on some Edge TPU never takes more than all the time left.
 */
final class EdgeTpuReserve {
    private final PlacementPolicy policy;

    EdgeTpuReserve(PlacementPolicy policy) {
        this.policy = policy;
    }

    /**
     * Why {@code app} (placed nowhere) is turned away, or empty when this rule admits it. Devices of
     * {@code closed} take no app now, so their time does not count as left.
     */
    Optional<String> refusal(Placement placement, String app, Set<String> closed) {
        AppDemand demand = placement.app(app);
        if (!judges(demand, placement.devices())) {
            return Optional.empty();
        }
        double left = 0;
        List<Device> devices = placement.devices();
        for (int i = 0; i < devices.size(); i++) { // by position: asked for every app a pass places
            Device device = devices.get(i);
            if (device.type() == AcceleratorType.EDGETPU && (closed.isEmpty() || !closed.contains(device.id()))) {
                left += timeLeft(placement.serviceLoadAt(i));
            }
        }
        return verdict(demand, left);
    }

    /** The share of one Edge TPU's time under the cap that a swap-free load leaves. */
    private double timeLeft(double serviceLoad) {
        return Math.max(0, 1 - serviceLoad / policy.maxUtilization());
    }

    private Optional<String> verdict(AppDemand demand, double left) {
        double share = Placement.serviceLoadOf(demand, AcceleratorType.EDGETPU) / policy.maxUtilization();
        if (share <= policy.maxShareOfEdgeTpuLeft() * left) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "it can run only on Edge TPUs and would take %.2f of a device's time, more than %.2f of the %.2f left"
                        + " (an app that would crowd out several smaller ones is turned away)",
                share, policy.maxShareOfEdgeTpuLeft(), left));
    }

    /** Whether this rule judges {@code app} at all: it runs on Edge TPUs and on no other type among {@code devices}. */
    private static boolean judges(AppDemand app, Collection<Device> devices) {
        if (app.profileOn(AcceleratorType.EDGETPU).isEmpty()) {
            return false;
        }
        boolean[] asked = new boolean[AcceleratorType.values().length]; // each type once, not each of a thousand devices
        for (Device device : devices) {
            AcceleratorType type = device.type();
            if (type != AcceleratorType.EDGETPU && !asked[type.ordinal()]) {
                asked[type.ordinal()] = true;
                if (app.profileOn(type).isPresent()) {
                    return false;
                }
            }
        }
        return true;
    }
}
