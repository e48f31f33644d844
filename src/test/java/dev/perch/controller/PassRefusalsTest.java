package dev.perch.controller;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ClusterNode;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.SloStatistic;
import dev.perch.placement.AppDemand;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which apps a refusal earlier in a pass answers for: those that ask no less of every accelerator. */
class PassRefusalsTest {
    private static final Map<AcceleratorType, ModelProfile> MOBILENET =
            Map.of(AcceleratorType.EDGETPU, new ModelProfile(4.9, 10.4, 20, "test"));
    private static final Map<AcceleratorType, ModelProfile> RESNET =
            Map.of(AcceleratorType.GPU, new ModelProfile(30, 0, 700, "test"));

    private static AppDemand app(String app, Map<AcceleratorType, ModelProfile> profiles, double rate, double sloMs,
                                 SloStatistic statistic) {
        return new AppDemand(app, profiles == MOBILENET ? "mobilenet_v2" : "resnet_34", rate, sloMs, statistic, 60, profiles);
    }

    @Test
    void anAppAsksNoLessWithTheSameModelANoLowerRateAndNoLooserAnSloOfTheSameKind() {
        AppDemand refused = app("a", MOBILENET, 5, 200, SloStatistic.MEAN);
        assertTrue(PassRefusals.asksNoMore(refused, app("b", MOBILENET, 5, 200, SloStatistic.MEAN)), "the same");
        assertTrue(PassRefusals.asksNoMore(refused, app("b", MOBILENET, 7, 150, SloStatistic.MEAN)), "more, tighter");
        assertFalse(PassRefusals.asksNoMore(refused, app("b", MOBILENET, 4.99, 200, SloStatistic.MEAN)), "a lower rate");
        assertFalse(PassRefusals.asksNoMore(refused, app("b", MOBILENET, 5, 201, SloStatistic.MEAN)), "a looser SLO");
        assertFalse(PassRefusals.asksNoMore(refused, app("b", MOBILENET, 5, 200, SloStatistic.P95)), "another statistic");
        assertFalse(PassRefusals.asksNoMore(refused, app("b", RESNET, 5, 200, SloStatistic.MEAN)), "another model");
    }

    @Test
    void aRefusalAnswersOnlyWhileNothingHasFreedRoom() {
        List<ClusterNode> nodes = List.of("pi-1", "pi-2").stream().map(node -> new ClusterNode(node, 4096, 20,
                List.of(new Accelerator(node + "/tpu0", node, AcceleratorType.EDGETPU)))).toList();
        ClusterShape begun = ClusterShape.of(new ClusterSnapshot(10, nodes, List.of()), ScenarioReader.defaultCatalog());
        PassRefusals refusals = new PassRefusals();
        ClusterShape grown = begun.holding("pi-1/tpu0", "x");
        refusals.refused(app("a", MOBILENET, 5, 200, SloStatistic.MEAN), grown);
        assertEquals("a", refusals.asking(app("b", MOBILENET, 6, 200, SloStatistic.MEAN), grown.holding("pi-2/tpu0", "y"))
                .orElseThrow().demand().app(), "apps only placed since");
        assertTrue(refusals.asking(app("b", MOBILENET, 4, 200, SloStatistic.MEAN), grown).isEmpty(), "it asks less");
        assertTrue(refusals.asking(app("b", MOBILENET, 6, 200, SloStatistic.MEAN), begun).isEmpty(),
                "x no longer holds pi-1: room may be free");
    }
}
