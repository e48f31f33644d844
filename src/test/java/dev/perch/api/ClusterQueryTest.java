package dev.perch.api;

import dev.perch.api.ClusterPicture.AcceleratorView;
import dev.perch.api.ClusterPicture.AppView;
import dev.perch.api.ClusterPicture.NodeView;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A part of the cluster for a page: filtered, at risk first, paged, with the totals. */
class ClusterQueryTest {
    private static NodeView node(String node, Boolean stable, String held, String... apps) {
        String device = node + "/tpu0";
        return new NodeView(node, 4096, List.of(new AcceleratorView(device, "edgetpu", stable == null ? null : 0.5, stable,
                List.of(apps), List.of(), held)));
    }

    private static AppView app(String app, String model, String accelerator, Double ratePerSec, Boolean sloMet) {
        return new AppView(app, model, accelerator, null, 100, "mean", 60, 5, ratePerSec, null, ratePerSec == null ? null : 50.0,
                null, null, null, sloMet, accelerator == null ? "turned away" : null);
    }

    /**
     * At risk: z1 and c1 (SLO predicted unmet); u1 runs nowhere; g1 has no prediction yet. Nodes at
     * risk: zeta and delta (an app at risk), beta (unstable), gamma (held).
     */
    private static final ClusterPicture WHOLE;

    static {
        List<NodeView> nodes = List.of(node("zeta", true, null, "z1"), node("alpha", true, null, "a1", "a2"),
                node("beta", false, null), node("gamma", true, "a move to it failed", "g1"), node("delta", null, null, "c1"),
                node("eta", true, null));
        List<AppView> apps = List.of(app("z1", "resnet_50", "zeta/tpu0", 4.0, false),
                app("a1", "mobilenet_v2", "alpha/tpu0", 5.0, true), app("a2", "inception_v4", "alpha/tpu0", 1.0, true),
                app("g1", "mobilenet_v1", "gamma/tpu0", null, null), app("u1", "mobilenet_v2", null, null, null),
                app("c1", "resnet_18", "delta/tpu0", 9.0, false));
        WHOLE = new ClusterPicture(1234, true, nodes, apps, ClusterPicture.Totals.of(nodes, apps, nodes.size(), apps.size()));
    }

    private static ClusterPicture ask(String q, String appOffset, String appLimit, String nodeOffset, String nodeLimit) {
        return ClusterQuery.parse(q, appOffset, appLimit, nodeOffset, nodeLimit).apply(WHOLE);
    }

    private static List<String> apps(ClusterPicture picture) {
        return picture.apps().stream().map(AppView::app).toList();
    }

    private static List<String> nodes(ClusterPicture picture) {
        return picture.nodes().stream().map(NodeView::node).toList();
    }

    @Test
    void askedNothingThePictureIsWholeInTheClustersOrder() {
        assertSame(WHOLE, ask(null, null, null, null, null));
        assertEquals(new ClusterPicture.Totals(6, 6, 6, 6, 2, 1), WHOLE.totals());
    }

    @Test
    void askedAnythingTheListsComeAtRiskFirstThenByName() {
        ClusterPicture all = ask(null, null, "1000", null, null);
        assertEquals(List.of("c1", "z1", "u1", "g1", "a1", "a2"), apps(all));
        assertEquals(List.of("beta", "delta", "gamma", "zeta", "alpha", "eta"), nodes(all));
        assertEquals(new ClusterPicture.Totals(6, 6, 6, 6, 2, 1), all.totals());
        assertEquals(1234, all.atMs());
    }

    @Test
    void pagesAreOffsetAndLimitOfTheOrderedLists() {
        ClusterPicture page = ask(null, "2", "3", "4", null);
        assertEquals(List.of("u1", "g1", "a1"), apps(page));
        assertEquals(List.of("alpha", "eta"), nodes(page));
        assertEquals(List.of("c1", "z1"), apps(ask(null, null, "2", null, "1")));
        assertEquals(List.of("beta"), nodes(ask(null, null, "2", null, "1")));
        assertEquals(List.of(), apps(ask(null, "6", null, null, null)), "past the end: an empty page");
        assertEquals(List.of(), apps(ask(null, "2000000000", "1000", null, null)));
        assertEquals(new ClusterPicture.Totals(6, 6, 6, 6, 2, 1), page.totals(), "totals count before paging");
    }

    @Test
    void qMatchesAppsByIdModelOrAcceleratorAndNodesByNameOrTheirApps() {
        ClusterPicture mobilenet = ask("MobileNet", null, null, null, null);
        assertEquals(List.of("u1", "g1", "a1"), apps(mobilenet), "by model, any case");
        assertEquals(List.of("gamma", "alpha"), nodes(mobilenet), "the nodes serving them, gamma held");
        assertEquals(new ClusterPicture.Totals(6, 6, 2, 3, 2, 1), mobilenet.totals());

        ClusterPicture alpha = ask("alpha", null, null, null, null);
        assertEquals(List.of("a1", "a2"), apps(alpha), "the apps on its accelerator");
        assertEquals(List.of("alpha"), nodes(alpha));

        ClusterPicture z1 = ask("z1", null, null, null, null);
        assertEquals(List.of("z1"), apps(z1));
        assertEquals(List.of("zeta"), nodes(z1), "the node of the app");

        assertEquals(List.of("beta"), nodes(ask("beta/tpu", null, null, null, null)), "by an accelerator's id");
        assertEquals(List.of(), apps(ask("beta/tpu", null, null, null, null)));
        assertEquals(List.of(), nodes(ask("nothing-like-it", null, null, null, null)));
    }

    @Test
    void badOffsetsAndLimitsAreRefusedWithTheReason() {
        assertEquals("appLimit must be a whole number from 1 to 1000, got '0'",
                assertThrows(IllegalArgumentException.class, () -> ask(null, null, "0", null, null)).getMessage());
        assertEquals("nodeLimit must be a whole number from 1 to 1000, got '1001'",
                assertThrows(IllegalArgumentException.class, () -> ask(null, null, null, null, "1001")).getMessage());
        assertEquals("appOffset must be a whole number from 0, got '-1'",
                assertThrows(IllegalArgumentException.class, () -> ask(null, "-1", null, null, null)).getMessage());
        assertEquals("nodeOffset must be a whole number from 0, got 'x'",
                assertThrows(IllegalArgumentException.class, () -> ask(null, null, null, "x", null)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ask(null, null, "2.5", null, null));
    }
}
