package dev.perch.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The agenda's order: by time, ties in the order scheduled, events scheduled while running included. */
class EventQueueTest {
    private record Scheduled(double timeMs, int id) {
    }

    @Test
    void runsInTimeThenSchedulingOrderAcrossGrowthAndNestedScheduling() {
        EventQueue queue = new EventQueue();
        SplittableRandom random = new SplittableRandom(7);
        List<Scheduled> scheduled = new ArrayList<>();
        List<Integer> ran = new ArrayList<>();
        // Times on a coarse grid, so that many tie; more events than the initial capacity, so the arrays grow.
        for (int id = 0; id < 5_000; id++) {
            double timeMs = random.nextInt(200) * 5.0;
            int self = id;
            scheduled.add(new Scheduled(timeMs, id));
            queue.schedule(timeMs, () -> ran.add(self));
        }
        // The expected order by a stable sort: time, then the order scheduled.
        List<Scheduled> expected = new ArrayList<>(scheduled);
        expected.sort(Comparator.comparingDouble(Scheduled::timeMs));
        queue.runUntil(2_000);
        assertEquals(expected.stream().map(Scheduled::id).toList(), ran);
        assertEquals(2_000, queue.nowMs());
    }

    @Test
    void anEventScheduledInThePastRunsNowAfterThoseAlreadyDueNow() {
        EventQueue queue = new EventQueue();
        List<String> ran = new ArrayList<>();
        queue.schedule(10, () -> {
            ran.add("a");
            queue.schedule(5, () -> ran.add("late")); // in the past: runs at 10, after b, which was scheduled first
        });
        queue.schedule(10, () -> ran.add("b"));
        queue.schedule(20, () -> ran.add("c"));
        queue.runUntil(20);
        assertEquals(List.of("a", "b", "late"), ran, "an event at 20 is not due before 20");
        assertEquals(20, queue.nowMs());
        queue.runUntil(21);
        assertEquals(List.of("a", "b", "late", "c"), ran);
    }
}
