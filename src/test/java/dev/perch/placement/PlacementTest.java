package dev.perch.placement;

import dev.perch.model.profile.ScenarioReader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The working placement's copy of a cluster against the same placement built one {@code assign} at a time. */
class PlacementTest {
    @Test
    void aCopyOfAClusterIsThePlacementItsAssignsBuildInAnyOrder() {
        ClusterModel empty = dev.perch.cli.EvaluateCommandAccess.initial(ScenarioReader.load("mixed", 1));
        Placement packed = Placement.of(empty);
        MigrationPlanner admission = new MigrationPlanner(PlacementPolicy.DEFAULT, Integer.MAX_VALUE);
        for (String app : empty.apps().keySet()) { // packed as Perch admits the apps, each plan applied
            if (admission.admit(packed.snapshot(), app, Set.of(), Map.of()) instanceof MigrationPlanner.Admission.Admitted admitted) {
                admitted.plan().steps().forEach(step -> packed.assign(step.app(), step.to()));
            }
        }
        ClusterModel cluster = packed.snapshot();
        assertTrue(cluster.assignment().size() > 20, "a busy cluster: " + cluster.assignment().size() + " apps placed");

        List<String> shuffled = new ArrayList<>(cluster.assignment().keySet());
        Collections.shuffle(shuffled, new Random(7));
        Placement byAssign = Placement.of(empty);
        shuffled.forEach(app -> byAssign.assign(app, cluster.assignment().get(app)));
        Placement copy = Placement.of(cluster);

        for (Device device : cluster.devices()) {
            assertEquals(byAssign.appsOn(device.id()), copy.appsOn(device.id()), device.id() + ": apps, in the cluster's order");
            assertEquals(byAssign.serviceLoad(device.id()), copy.serviceLoad(device.id()), 1e-12, device.id());
        }
        for (Host host : cluster.hosts()) {
            assertEquals(byAssign.backendMemoryMbOnNode(host.node()), copy.backendMemoryMbOnNode(host.node()), 1e-9);
            assertEquals(byAssign.appCountOnNode(host.node()), copy.appCountOnNode(host.node()));
        }
        assertEquals(cluster.assignment(), copy.snapshot().assignment());
    }

    @Test
    void aCopyRefusesAnAssignmentOfAnUnknownAppOrDevice() {
        ClusterModel empty = dev.perch.cli.EvaluateCommandAccess.initial(ScenarioReader.load("mixed", 1));
        String app = empty.apps().keySet().iterator().next();
        Map<String, String> ghost = new HashMap<>(Map.of("ghost", empty.devices().get(0).id()));
        IllegalArgumentException unknownApp = assertThrows(IllegalArgumentException.class, () -> Placement.of(
                new ClusterModel(empty.networkMs(), empty.hosts(), empty.devices(), empty.apps(), ghost)));
        assertEquals("unknown app ghost", unknownApp.getMessage());
        IllegalArgumentException unknownDevice = assertThrows(IllegalArgumentException.class, () -> Placement.of(
                new ClusterModel(empty.networkMs(), empty.hosts(), empty.devices(), empty.apps(), Map.of(app, "pi-99/tpu0"))));
        assertEquals("unknown device pi-99/tpu0", unknownDevice.getMessage());
    }

    /**
     * What a search reads by a device's position is what it reads by id; a value kept for a device's
     * apps comes back when they are the same again (a change undone), and not while they differ —
     * so a kept verdict is the one a fresh evaluator gives.
     */
    @Test
    void readsByPositionAndKeptValuesFollowTheDevicesApps() {
        ClusterModel empty = dev.perch.cli.EvaluateCommandAccess.initial(ScenarioReader.load("mixed", 1));
        Placement placement = Placement.of(empty);
        List<String> apps = new ArrayList<>(empty.apps().keySet());
        Device device = empty.devices().get(0);
        String first = apps.stream().filter(a -> placement.app(a).profileOn(device.type()).isPresent()).findFirst().orElseThrow();
        String second = apps.stream().filter(a -> !a.equals(first) && placement.app(a).profileOn(device.type()).isPresent())
                .findFirst().orElseThrow();
        placement.assign(first, device.id());
        for (int i = 0; i < empty.devices().size(); i++) {
            Device at = empty.devices().get(i);
            assertEquals(placement.serviceLoad(at.id()), placement.serviceLoadAt(i), 0.0, at.id());
            assertEquals(placement.backendMemoryMbOnNode(at.node()), placement.backendMemoryMbAt(i), 0.0, at.id());
            assertEquals(placement.appCountOnNode(at.node()), placement.appCountOnNodeAt(i), at.id());
            assertEquals(placement.appsOn(at.id()).isEmpty(), placement.idleAt(i), at.id());
            assertEquals(placement.host(at.node()), placement.hostAt(i), at.id());
        }

        DeviceEvaluator evaluator = new DeviceEvaluator(PlacementPolicy.DEFAULT);
        Object owner = new Object();
        placement.memo(device.id(), owner, "apps", "one app");
        assertEquals("one app", placement.recalled(device.id(), owner, "apps"));
        assertEquals(null, placement.recalled(device.id(), owner, "other key"), "another key's: not");
        assertEquals(null, placement.recalled(device.id(), evaluator, "apps"), "another owner's: not");
        placement.assign(second, device.id());
        assertEquals(null, placement.recalled(device.id(), owner, "apps"), "other apps: nothing kept");
        placement.memo(device.id(), owner, "apps", "two apps");
        placement.assign(second, null);
        assertEquals("one app", placement.recalled(device.id(), owner, "apps"), "the same apps again: kept");
        placement.assign(second, device.id());
        assertEquals("two apps", placement.recalled(device.id(), owner, "apps"), "and the other set's too");
        placement.assign(second, null);
        placement.assign(second, device.id());
        DeviceVerdict withBoth = evaluator.evaluate(placement, device.id());
        placement.assign(second, null);
        placement.assign(second, device.id());
        // Memory put back differs in the last bit; the verdict, which reads only whether it fits, is kept.
        assertTrue(evaluator.evaluate(placement, device.id()) == withBoth, "the same apps again: the verdict kept");
        assertEquals(new DeviceEvaluator(PlacementPolicy.DEFAULT).evaluate(placement, device.id()), withBoth);
    }
}
