package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.ClusterView;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the live view and the metrics scrape read of the controller while a pass runs: the answer of
 * before the pass, without waiting for it; and the pass's own answer once it is over.
 */
class ReconcilerViewReadsTest {
    private static final long EPOCH = 1_764_201_600_000L;

    /** The simulated cluster's view, whose snapshot — read by a pass under its lock — can be held. */
    private static final class HeldView implements ClusterView {
        final SimulatedCluster sim;
        volatile boolean hold;
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        HeldView(SimulatedCluster sim) {
            this.sim = sim;
        }

        @Override
        public ClusterSnapshot snapshot() {
            if (hold) {
                held.countDown();
                try {
                    assertTrue(release.await(60, TimeUnit.SECONDS), "the test releases the pass");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return sim.snapshot();
        }
    }

    @Test
    void whileAPassHoldsTheControllerTheViewGetsTheAnswerOfBeforeItWithoutWaiting() throws Exception {
        // An Inception-V4 app at 7 req/s fits no Edge TPU: its load alone is over the cap.
        Scenario tooBig = ScenarioReader.parse("""
                nodes:
                  - {node: pi-1, memoryMb: 4096, acceleratorTypes: [edgetpu], frontendServiceMs: 20}
                apps:
                  - {app: big, model: inception_v4, ratePerSec: 7, sloMs: 600, sloStatistic: mean}
                """, "too-big");
        SimulatedCluster sim = new SimulatedCluster(tooBig, 1, EPOCH, 2000);
        HeldView view = new HeldView(sim);
        Reconciler controller = Reconciler.builder(view, sim, new SimClock(sim::nowEpochMs))
                .catalog(sim.scenario().catalog()).build();
        assertEquals(Map.of(), controller.unplacedApps(), "nothing decided yet");

        view.hold = true;
        CompletableFuture<Void> pass = CompletableFuture.runAsync(controller::placeUnplaced);
        assertTrue(view.held.await(60, TimeUnit.SECONDS), "the pass reads the cluster");
        // The pass holds the controller: the view is answered as before it, not after it.
        assertEquals(Map.of(), CompletableFuture.supplyAsync(controller::unplacedApps).get(60, TimeUnit.SECONDS));
        assertEquals(Map.of(), CompletableFuture.supplyAsync(controller::heldAccelerators).get(60, TimeUnit.SECONDS));

        view.hold = false;
        view.release.countDown();
        pass.get(60, TimeUnit.SECONDS);
        assertTrue(controller.unplacedApps().get("big").startsWith("no accelerator takes it"), controller.unplacedApps().toString());
    }
}
