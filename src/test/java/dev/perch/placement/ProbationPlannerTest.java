package dev.perch.placement;

import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.model.profile.SloStatistic;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbationPlannerTest {
    private static final ProfileCatalog CATALOG = ScenarioReader.defaultCatalog();
    private static final ProbationPlanner PLANNER = new ProbationPlanner(PlacementPolicy.DEFAULT, 3);
    private static final Map<AcceleratorType, ModelProfile> PRIOR = Map.of(
            AcceleratorType.EDGETPU, new ModelProfile(125, 23, 100, "prior"),
            AcceleratorType.GPU, new ModelProfile(31, 0, 1130, "prior"));
    private static final Set<AcceleratorType> EDGE_TPU = Set.of(AcceleratorType.EDGETPU);

    /** Two Pis with an Edge TPU each and a Jetson with a GPU; {@code placed} app → accelerator; "new" of an unknown model. */
    private static Placement cluster(Map<String, String> placed, Map<String, Double> ratePerSec) {
        List<Host> hosts = List.of(new Host("pi-1", 4096, 2), new Host("pi-2", 4096, 2), new Host("nano-1", 4096, 2));
        List<Device> devices = List.of(new Device("pi-1/tpu0", "pi-1", AcceleratorType.EDGETPU),
                new Device("pi-2/tpu0", "pi-2", AcceleratorType.EDGETPU), new Device("nano-1/gpu0", "nano-1", AcceleratorType.GPU));
        Map<String, AppDemand> apps = new LinkedHashMap<>();
        for (String app : placed.keySet()) {
            apps.put(app, demand(app, "mobilenet_v2", ratePerSec.getOrDefault(app, 5.0)));
        }
        apps.put("new", new AppDemand("new", "yolo-new", 5, 400, SloStatistic.MEAN, 60, Map.of()));
        return Placement.of(new ClusterModel(5, hosts, devices, apps, placed));
    }

    private static AppDemand demand(String app, String model, double ratePerSec) {
        Map<AcceleratorType, ModelProfile> profiles = new EnumMap<>(AcceleratorType.class);
        CATALOG.typesFor(model).forEach(t -> profiles.put(t, CATALOG.profile(model, t).orElseThrow()));
        return new AppDemand(app, model, ratePerSec, 200, SloStatistic.MEAN, 60, profiles);
    }

    @Test
    void anIdleAcceleratorOfAnAllowedTypeTakesTheAppAlone() {
        Placement placement = cluster(Map.of("a", "pi-1/tpu0"), Map.of());
        ProbationPlanner.Start start = PLANNER.start(placement, "new", EDGE_TPU, PRIOR, Set.of(), Map.of(), false);
        PlannedStep place = assertInstanceOf(ProbationPlanner.Start.Alone.class, start).place();
        assertEquals(new PlanStep.Place("new", "pi-2/tpu0"), place.step(), "the idle Edge TPU, not the busy one nor the GPU");
        assertEquals(List.of("new"), place.targetAfter().apps().stream().map(DeviceVerdict.AppVerdict::app).toList());
        assertTrue(placement.deviceOf("new").isEmpty(), "the planner leaves the placement as it found it");
    }

    @Test
    void aClosedIdleAcceleratorIsNotTaken() {
        Placement placement = cluster(Map.of("a", "pi-1/tpu0"), Map.of());
        ProbationPlanner.Start start = PLANNER.start(placement, "new", EDGE_TPU, PRIOR, Set.of(),
                Map.of("pi-2/tpu0", "a move to it failed"), false);
        ProbationPlanner.Start.Emptying emptying = assertInstanceOf(ProbationPlanner.Start.Emptying.class, start);
        assertEquals("pi-1/tpu0", emptying.accelerator());
        assertTrue(emptying.moves().steps().stream().noneMatch(s -> "pi-2/tpu0".equals(s.to())),
                "no app is moved to a closed accelerator: " + emptying.moves().steps());
    }

    @Test
    void withNoIdleAcceleratorTheLeastLoadedOneIsEmptiedWhereItsAppsKeepTheirSlos() {
        Placement placement = cluster(Map.of("a", "pi-1/tpu0", "b", "pi-2/tpu0", "c", "pi-2/tpu0"),
                Map.of("a", 2.0, "b", 10.0, "c", 10.0));
        ProbationPlanner.Start start = PLANNER.start(placement, "new", EDGE_TPU, PRIOR, Set.of(), Map.of(), false);
        ProbationPlanner.Start.Emptying emptying = assertInstanceOf(ProbationPlanner.Start.Emptying.class, start);
        assertEquals("pi-1/tpu0", emptying.accelerator(), "the least loaded Edge TPU");
        List<PlannedStep> moves = emptying.moves().steps();
        assertEquals(1, moves.size());
        assertEquals("a", moves.get(0).app());
        assertTrue(moves.get(0).targetAfter().feasible(), "the moved app keeps its SLO where it goes: " + moves.get(0).targetAfter());
        assertEquals(Map.of("a", "pi-1/tpu0", "b", "pi-2/tpu0", "c", "pi-2/tpu0"), placement.snapshot().assignment(),
                "the planner leaves the placement as it found it");
    }

    @Test
    void anAcceleratorOfAnImmovableAppIsNotEmptied() {
        Placement placement = cluster(Map.of("a", "pi-1/tpu0", "b", "pi-2/tpu0"), Map.of("a", 2.0, "b", 10.0));
        ProbationPlanner.Start start = PLANNER.start(placement, "new", EDGE_TPU, PRIOR, Set.of("a"), Map.of(), false);
        assertEquals("pi-2/tpu0", assertInstanceOf(ProbationPlanner.Start.Emptying.class, start).accelerator());
    }

    @Test
    void whenNoAcceleratorCanBeEmptiedTheAppWaitsWithTheReason() {
        // MobileNet v2 at 90 req/s: 0.44 of an Edge TPU (4.91 ms a request), so two exceed the 0.8 limit
        // together, and 1.17 of the GPU (13.02 ms): neither app fits anywhere but where it is.
        Placement placement = cluster(Map.of("a", "pi-1/tpu0", "b", "pi-2/tpu0"), Map.of("a", 90.0, "b", 90.0));
        ProbationPlanner.Start start = PLANNER.start(placement, "new", EDGE_TPU, PRIOR, Set.of(), Map.of(), false);
        String reason = assertInstanceOf(ProbationPlanner.Start.NoneFree.class, start).reason();
        assertTrue(reason.contains("no accelerator of type edgetpu is idle"), reason);
    }

    @Test
    void onlyTheTypesItsOwnerBuiltItForAreTried() {
        Placement placement = cluster(Map.of("a", "pi-1/tpu0", "b", "pi-2/tpu0"), Map.of("a", 90.0, "b", 90.0));
        ProbationPlanner.Start start = PLANNER.start(placement, "new", Set.of(AcceleratorType.GPU), PRIOR, Set.of(), Map.of(), false);
        assertEquals(new PlanStep.Place("new", "nano-1/gpu0"),
                assertInstanceOf(ProbationPlanner.Start.Alone.class, start).place().step());
    }

    @Test
    void sharingWhenNoneIsIdleIsPlannedAtThePriorAndKeepsEverySlo() {
        Placement placement = cluster(Map.of("a", "pi-1/tpu0", "b", "pi-2/tpu0"), Map.of("a", 90.0, "b", 82.0)); // 0.44 and 0.40 of an Edge TPU: neither fits beside the other
        Map<AcceleratorType, ModelProfile> light = Map.of(AcceleratorType.EDGETPU, new ModelProfile(20, 23, 100, "prior"));
        assertInstanceOf(ProbationPlanner.Start.NoneFree.class, PLANNER.start(placement, "new", EDGE_TPU, light, Set.of(),
                Map.of(), false), "off by default: it waits");
        ProbationPlanner.Start start = PLANNER.start(placement, "new", EDGE_TPU, light, Set.of(), Map.of(), true);
        PlannedStep place = assertInstanceOf(ProbationPlanner.Start.Shared.class, start).place();
        assertTrue(place.targetAfter().feasible(), "every SLO holds there at the prior: " + place.targetAfter());
        assertEquals(2, place.targetAfter().apps().size(), "beside the app already there");
        assertTrue(place.reason().startsWith("probation beside other apps"), place.reason());
    }

    @Test
    void aPriorTooCostlyToShareWithLeavesTheAppWaiting() {
        Placement placement = cluster(Map.of("a", "pi-1/tpu0", "b", "pi-2/tpu0"), Map.of("a", 90.0, "b", 90.0));
        // The prior's 125 ms a request at 5 req/s is 0.63 of an Edge TPU: beside 0.44 it breaks the 0.8 limit.
        String reason = assertInstanceOf(ProbationPlanner.Start.NoneFree.class,
                PLANNER.start(placement, "new", EDGE_TPU, PRIOR, Set.of(), Map.of(), true)).reason();
        assertTrue(reason.endsWith("nor does one keep every SLO with it beside its apps, at the conservative prior"), reason);
    }
}
