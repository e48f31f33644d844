package dev.perch.placement;

import dev.perch.cli.EvaluateCommandAccess;
import dev.perch.model.profile.ScenarioReader;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refusal on a fleet says why in a line: on mixed-100's 100 accelerators, an app no device can
 * carry is refused with the devices that have no profile of its model counted, the first few the
 * models refuse named with their reasons, and the rest counted — every device accounted for once.
 */
class RefusalReasonTest {
    private static final DeviceEvaluator EVALUATOR = new DeviceEvaluator(PlacementPolicy.DEFAULT);

    @Test
    void aRefusalOnAHundredAcceleratorsCountsThemInsteadOfListingEach() {
        ClusterModel empty = EvaluateCommandAccess.initial(ScenarioReader.load("mixed-100", 1));
        AppDemand someApp = empty.apps().values().iterator().next();
        Map<String, AppDemand> apps = new HashMap<>(empty.apps());
        apps.put(someApp.app(), someApp.withRate(100_000)); // more than any accelerator serves
        Placement placement = Placement.of(new ClusterModel(empty.networkMs(), empty.hosts(), empty.devices(), apps,
                empty.assignment()));
        TargetSelector selector = new TargetSelector(EVALUATOR);
        assertTrue(selector.placeTarget(placement, someApp.app(), Set.of()).isEmpty(), "no device takes it");

        String reason = selector.noTargetReason(placement, someApp.app(), null, Map.of(empty.devices().get(0).id(), "closed"));

        int devices = empty.devices().size();
        assertTrue(devices > TargetSelector.LISTED_REFUSALS);
        assertTrue(reason.startsWith("no device keeps every SLO of " + devices + " devices ("), reason);
        assertTrue(reason.contains("1 device: closed"), reason);
        long withoutProfile = empty.devices().stream().skip(1).filter(d -> someApp.profileOn(d.type()).isEmpty()).count();
        long byModels = devices - 1 - withoutProfile;
        if (withoutProfile > 0) {
            assertTrue(reason.contains(withoutProfile + " devices: no profile of " + someApp.model()), reason);
        }
        long named = Pattern.compile("[a-z]+-\\d+/[a-z]+\\d+: ").matcher(reason).results().count();
        assertEquals(Math.min(byModels, TargetSelector.LISTED_REFUSALS), named, reason);
        Matcher more = Pattern.compile("and (\\d+) more devices where the models refuse it").matcher(reason);
        assertEquals(byModels > TargetSelector.LISTED_REFUSALS, more.find(), reason);
        if (byModels > TargetSelector.LISTED_REFUSALS) {
            assertEquals(byModels - TargetSelector.LISTED_REFUSALS, Long.parseLong(more.group(1)), reason);
        }
        assertTrue(reason.length() < 2_000, "a line, not a page: " + reason.length() + " characters");
    }
}
