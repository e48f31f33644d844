package dev.perch.runtime;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's controller thread: a pass after each window, with a fixed delay — windows that come during
 * a pass wait for the next window after it (or the end of the demo) — and never one per window behind.
 */
class ControllerLoopTest {
    private static final long WAIT_S = 10;

    @Test
    void noPassBeforeTheFirstWindowAndOneAfterIt() {
        AtomicInteger runs = new AtomicInteger();
        ControllerLoop loop = new ControllerLoop(runs::incrementAndGet);
        loop.close();
        assertEquals(0, runs.get(), "closed before any window: no pass");

        AtomicInteger after = new AtomicInteger();
        ControllerLoop second = new ControllerLoop(after::incrementAndGet);
        second.windowOut();
        second.close();
        assertEquals(1, after.get(), "the window announced before close has its pass");
        assertEquals(1, second.passes());
    }

    @Test
    void windowsDuringAPassAreCoveredByOneMorePass() throws InterruptedException {
        HeldFirstPass held = new HeldFirstPass();
        ControllerLoop loop = held.startFirstPass();
        // Three windows while the first pass runs: the simulator is never held back, and they need one pass, not three.
        loop.windowOut();
        loop.windowOut();
        loop.windowOut();
        held.release.countDown();
        loop.close();
        assertEquals(2, held.runs.get());
    }

    @Test
    void afterAPassThatOutlastedWindowsTheNextWaitsForTheNextWindow() throws InterruptedException {
        HeldFirstPass held = new HeldFirstPass();
        ControllerLoop loop = held.startFirstPass();
        loop.windowOut();
        loop.windowOut();
        held.release.countDown();
        awaitPasses(loop, 1);
        // The windows during the first pass started none; this one does, and is the last pass needed.
        loop.windowOut();
        awaitPasses(loop, 2);
        loop.close();
        assertEquals(2, held.runs.get());
    }

    /** A loop whose first pass holds until {@code release} counts down; {@code runs} counts its passes. */
    private static final class HeldFirstPass {
        final CountDownLatch inFirstPass = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger runs = new AtomicInteger();

        /** Announces a window and returns once its pass is under way, held. */
        ControllerLoop startFirstPass() throws InterruptedException {
            ControllerLoop loop = new ControllerLoop(() -> {
                if (runs.incrementAndGet() == 1) {
                    inFirstPass.countDown();
                    await(release);
                }
            });
            loop.windowOut();
            assertTrue(inFirstPass.await(WAIT_S, TimeUnit.SECONDS));
            return loop;
        }
    }

    @Test
    void aFailedPassDoesNotEndTheLoop() {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch firstDone = new CountDownLatch(1);
        ControllerLoop loop = new ControllerLoop(() -> {
            int n = runs.incrementAndGet();
            firstDone.countDown();
            if (n == 1) {
                throw new IllegalStateException("a pass that fails");
            }
        });
        loop.windowOut();
        await(firstDone);
        loop.windowOut();
        loop.close();
        assertEquals(2, runs.get());
        assertEquals(2, loop.passes());
    }

    /** Waits (bounded) for the loop to have run {@code n} passes; fails if it does not. */
    private static void awaitPasses(ControllerLoop loop, long n) throws InterruptedException {
        for (int i = 0; i < WAIT_S * 200 && loop.passes() < n; i++) {
            Thread.sleep(5);
        }
        assertEquals(n, loop.passes());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(WAIT_S, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
