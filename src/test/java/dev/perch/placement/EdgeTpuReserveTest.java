package dev.perch.placement;

import dev.perch.cli.EvaluateCommandAccess;
import dev.perch.cluster.PlanStep;
import dev.perch.controller.ControllerSettings;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shares here are worked by hand from the catalog's service times (EfficientNet-L 42.18 ms,
 * Inception-V3 62.95 ms on an Edge TPU) and the default utilisation cap of 0.8: an app's share of a
 * device's time is rate × service time / 0.8.
 */
class EdgeTpuReserveTest {
    private static final EdgeTpuReserve RESERVE = new EdgeTpuReserve(PlacementPolicy.DEFAULT);

    private static Scenario scenario(String nodes, String apps) {
        return ScenarioReader.parse("networkMs: 10\nnodes:\n" + nodes + "apps:\n" + apps, "test");
    }

    private static Placement cluster(String nodes, String apps) {
        return Placement.of(EvaluateCommandAccess.initial(scenario(nodes, apps)));
    }

    /** Where {@code evaluate}'s {@code perch} — the controller, run against the simulator — places the scenario's apps. */
    private static Map<String, String> placedByPerch(Scenario scenario, PlacementPolicy policy) {
        return EvaluateCommandAccess.placedByController(scenario, 1, ControllerSettings.DEFAULT.withPlacement(policy));
    }

    private static String pis(int count) {
        StringBuilder nodes = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            nodes.append("  - {node: pi-").append(i).append(", memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}\n");
        }
        return nodes.toString();
    }

    private static final String NANO = "  - {node: nano-1, memoryMb: 4096, acceleratorTypes: [gpu], frontendServiceMs: 24}\n";

    private static String app(String name, String model, double ratePerSec) {
        return "  - {app: " + name + ", model: " + model + ", ratePerSec: " + ratePerSec + ", sloMs: 2000, sloStatistic: mean}\n";
    }

    @Test
    void anAppOnlyEdgeTpusRunIsTurnedAwayWhenItWouldTakeMoreThanItsShareOfTheTimeLeft() {
        // 8 req/s × 42.18 ms / 0.8 = 0.42 of a device: over 0.35 of one idle Edge TPU, under 0.35 of two.
        Placement one = cluster(pis(1), app("big", "efficientnet-L", 8));
        Optional<String> refusal = RESERVE.refusal(one, "big", Set.of());
        assertTrue(refusal.isPresent(), "0.42 > 0.35 × 1.00");
        assertTrue(refusal.get().contains("0.42 of a device's time, more than 0.35 of the 1.00 left"), refusal.get());
        assertEquals(Optional.empty(), RESERVE.refusal(cluster(pis(2), app("big", "efficientnet-L", 8)), "big", Set.of()),
                "0.42 <= 0.35 × 2.00");
        // 6 req/s: 0.32 of a device, within 0.35 of one.
        assertEquals(Optional.empty(), RESERVE.refusal(cluster(pis(1), app("big", "efficientnet-L", 6)), "big", Set.of()));
    }

    @Test
    void theTimeLeftIsWhatPlacedAppsLeaveOnDevicesThatTakeAppsNow() {
        Placement two = cluster(pis(2), app("busy", "efficientnet-L", 8) + app("big", "efficientnet-L", 8));
        two.assign("busy", "pi-1/tpu0");
        // Left: (1 − 0.42) on pi-1 + 1 on pi-2 = 1.58; 0.35 × 1.58 = 0.55 ≥ 0.42.
        assertEquals(Optional.empty(), RESERVE.refusal(two, "big", Set.of()));
        // pi-2 closed (its node being left): 0.58 left; 0.35 × 0.58 = 0.20 < 0.42.
        Optional<String> refusal = RESERVE.refusal(two, "big", Set.of("pi-2/tpu0"));
        assertTrue(refusal.isPresent() && refusal.get().contains("of the 0.58 left"), refusal.toString());
    }

    @Test
    void anAppAnotherAcceleratorInTheClusterCanRunIsNeverTurnedAwayByIt() {
        // Inception-V3 at 8 req/s would take 0.63 of an Edge TPU's time; it also runs on a Jetson.
        assertEquals(Optional.empty(), RESERVE.refusal(cluster(pis(1) + NANO, app("v3", "inception_v3", 8)), "v3", Set.of()));
        assertTrue(RESERVE.refusal(cluster(pis(1), app("v3", "inception_v3", 8)), "v3", Set.of()).isPresent(),
                "with no Jetson in the cluster it can run only on the Edge TPU");
        // An app with no Edge TPU profile is not this rule's to judge.
        assertEquals(Optional.empty(), RESERVE.refusal(cluster(pis(1) + NANO, app("r50", "resnet_50", 10)), "r50", Set.of()));
    }

    /**
     * The controller's admission ({@link MigrationPlanner#admit}) turns the app away, saying why; and
     * {@code evaluate}'s {@code perch}, which is that controller run against the simulator, leaves it
     * unplaced — and places it once the rule is off.
     */
    @Test
    void perchAndTheControllersAdmissionBothTurnItAwayWithTheReason() {
        Scenario scenario = scenario(pis(1), app("big", "efficientnet-L", 8));
        Placement one = Placement.of(EvaluateCommandAccess.initial(scenario));
        MigrationPlanner.Admission admission = new MigrationPlanner(PlacementPolicy.DEFAULT, 3).admit(one.snapshot(), "big",
                Set.of(), Map.of());
        String reason = assertInstanceOf(MigrationPlanner.Admission.TurnedAway.class, admission, admission.toString()).reason();
        assertTrue(reason.startsWith("it can run only on Edge TPUs"), reason);
        Map<String, String> perch = placedByPerch(scenario, PlacementPolicy.DEFAULT);
        assertFalse(perch.containsKey("big"), "perch turns it away: " + perch);
        assertEquals(0, perch.size(), perch.toString());

        PlacementPolicy off = PlacementPolicy.DEFAULT.withMaxShareOfEdgeTpuLeft(1);
        assertInstanceOf(MigrationPlanner.Admission.Admitted.class, new MigrationPlanner(off, 3).admit(one.snapshot(), "big",
                Set.of(), Map.of()), "share 1: the rule is off");
        assertEquals(Map.of("big", "pi-1/tpu0"), placedByPerch(scenario, off), "share 1: the rule is off");
    }

    /**
     * The built-in {@code room} scenario's shape, a little heavier: an EfficientNet-M at 9 req/s fits
     * on the Edge TPU only once the MobileNet-V2 there moves to the Jetson. It would take
     * 9 × 15.85 / 1000 / 0.8 = 0.18 of the device's time, and 1 − (8.5 × 42.18 + 10 × 4.91) / 1000 / 0.8
     * = 0.49 is left: over 0.35 of it, so no room is made; with the reserve off, one move and the placement.
     */
    @Test
    void noRoomIsMadeForAnAppThatIsTurnedAway() {
        Scenario scenario = scenario(pis(1) + NANO, """
                  - {app: large, model: efficientnet-L, ratePerSec: 8.5, sloMs: 600, sloStatistic: mean, runningOn: pi-1/tpu0}
                  - {app: mobile, model: mobilenet_v2, ratePerSec: 10, sloMs: 200, sloStatistic: mean, runningOn: pi-1/tpu0}
                """ + app("medium", "efficientnet-M", 9));
        Placement room = Placement.of(EvaluateCommandAccess.initial(scenario));
        MigrationPlanner.Admission admission = new MigrationPlanner(PlacementPolicy.DEFAULT, 3).admit(room.snapshot(), "medium",
                Set.of(), Map.of());
        String reason = assertInstanceOf(MigrationPlanner.Admission.TurnedAway.class, admission, admission.toString()).reason();
        assertTrue(reason.startsWith("it can run only on Edge TPUs and would take 0.18 of a device's time,"
                + " more than 0.35 of the 0.49 left"), reason);
        Map<String, String> perch = placedByPerch(scenario, PlacementPolicy.DEFAULT);
        assertFalse(perch.containsKey("medium"), "perch turns it away: " + perch);
        assertEquals(List.of("pi-1/tpu0", "pi-1/tpu0"), List.of(perch.get("large"), perch.get("mobile")), "nothing moved");

        PlacementPolicy off = PlacementPolicy.DEFAULT.withMaxShareOfEdgeTpuLeft(1);
        MigrationPlanner.Admission made = new MigrationPlanner(off, 3).admit(room.snapshot(), "medium", Set.of(), Map.of());
        MigrationPlan plan = assertInstanceOf(MigrationPlanner.Admission.Admitted.class, made, "with the reserve off: " + made).plan();
        assertEquals(2, plan.steps().size(), "with the reserve off: " + plan);
        assertInstanceOf(PlanStep.Move.class, plan.steps().get(0).step());
    }

    /**
     * Share 1 turns the rule off: an app that fits on some Edge TPU takes at most the time left on
     * that device, so never more than all the time left. Checked on every app of the generated small
     * clusters, offered in order, wherever Perch's target search (which knows nothing of this rule)
     * finds an Edge TPU for it.
     */
    @Test
    void atShareOneNoAppThatFitsOnAnEdgeTpuIsTurnedAway() {
        PlacementPolicy off = PlacementPolicy.DEFAULT.withMaxShareOfEdgeTpuLeft(1);
        EdgeTpuReserve reserve = new EdgeTpuReserve(off);
        TargetSelector selector = new TargetSelector(new DeviceEvaluator(off));
        int onEdgeTpus = 0;
        for (long seed = 1; seed <= 40; seed++) {
            Placement placement = Placement.of(EvaluateCommandAccess.initial(ScenarioReader.load("small", seed)));
            for (String app : List.copyOf(placement.apps().keySet())) {
                Optional<String> target = selector.placeTarget(placement, app, Set.of());
                if (target.isEmpty()) {
                    continue;
                }
                if (placement.device(target.get()).type() == dev.perch.model.profile.AcceleratorType.EDGETPU) {
                    assertEquals(Optional.empty(), reserve.refusal(placement, app, Set.of()), "seed " + seed + ", " + app);
                    onEdgeTpus++;
                }
                placement.assign(app, target.get());
            }
        }
        assertTrue(onEdgeTpus > 100, "the check ran on " + onEdgeTpus + " apps");
    }

    @Test
    void theShareIsValidated() {
        for (double bad : new double[] {0, -0.1, 1.01, Double.NaN}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> PlacementPolicy.DEFAULT.withMaxShareOfEdgeTpuLeft(bad));
            assertTrue(e.getMessage().startsWith("maxShareOfEdgeTpuLeft must be in (0, 1]"), e.getMessage());
        }
    }
}
