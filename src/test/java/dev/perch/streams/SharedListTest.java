package dev.perch.streams;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedListTest {

    @Test
    void everyVersionKeepsItsElementsWhateverIsMadeFromItOrItsElders() {
        // Random appends and drops from random earlier versions, each checked against a plain copy.
        SplittableRandom random = new SplittableRandom(7);
        List<SharedList<Integer>> versions = new ArrayList<>(List.of(SharedList.empty()));
        List<List<Integer>> expected = new ArrayList<>(List.of(List.of()));
        for (int step = 0; step < 5_000; step++) {
            int from = random.nextInt(10) < 8 ? versions.size() - 1 : random.nextInt(versions.size());
            SharedList<Integer> base = versions.get(from);
            List<Integer> truth = new ArrayList<>(expected.get(from));
            SharedList<Integer> made;
            if (random.nextInt(4) == 0 && !truth.isEmpty()) {
                int count = random.nextInt(truth.size() + 1);
                made = base.dropFirst(count);
                truth.subList(0, count).clear();
            } else {
                made = base.plus(step);
                truth.add(step);
            }
            versions.add(made);
            expected.add(truth);
        }
        for (int i = 0; i < versions.size(); i++) {
            assertEquals(expected.get(i), versions.get(i), "version " + i);
        }
    }

    @Test
    void aListSlidingByOneKeepsAtMostAQuarterMoreThanItHolds() {
        SharedList<Integer> list = SharedList.empty();
        for (int i = 0; i < 1_000; i++) {
            list = list.plus(i);
            if (list.size() > 30) {
                list = list.dropFirst(1);
            }
            SharedList<Integer> now = list;
            assertTrue(now.capacity() <= now.size() + Math.max(8, now.size() / 4) + 1,
                    () -> "capacity " + now.capacity() + " for " + now.size());
        }
        assertEquals(30, list.size());
        assertEquals(970, list.get(0));
        assertEquals(999, list.get(29));
        assertEquals(java.util.stream.IntStream.range(970, 1000).boxed().toList(), list);
    }

    @Test
    void aListThatShrinksLetsGoOfWhatItDropped() {
        SharedList<Integer> list = SharedList.empty();
        for (int i = 0; i < 61; i++) {
            list = list.plus(i);
        }
        for (int size = 60; size > 0; size--) {
            list = list.dropFirst(1);
            assertEquals(java.util.stream.IntStream.range(61 - size, 61).boxed().toList(), list);
            SharedList<Integer> now = list;
            assertTrue(now.keptBefore() <= Math.max(8, now.size() / 4) + 1,
                    () -> now.keptBefore() + " dropped elements kept by a list of " + now.size());
        }
        assertEquals(0, list.dropFirst(1).capacity(), "an emptied list keeps nothing");
    }

    @Test
    void twoThreadsAppendingToOneListEachGetTheirOwn() throws Exception {
        SharedList<Integer> base = SharedList.copyOf(List.of(1, 2, 3)).dropFirst(1).plus(4);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 200; round++) {
                SharedList<Integer> start = base.plus(round);
                CountDownLatch go = new CountDownLatch(1);
                Future<SharedList<Integer>> a = pool.submit(() -> {
                    go.await();
                    return start.plus(-1);
                });
                Future<SharedList<Integer>> b = pool.submit(() -> {
                    go.await();
                    return start.plus(-2);
                });
                go.countDown();
                assertEquals(Arrays.asList(2, 3, 4, round, -1), a.get());
                assertEquals(Arrays.asList(2, 3, 4, round, -2), b.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void copiesOnlyWhatIsNotSharedAlreadyAndRefusesNulls() {
        SharedList<String> shared = SharedList.copyOf(List.of("a", "b"));
        assertSame(shared, SharedList.copyOf(shared));
        assertThrows(NullPointerException.class, () -> SharedList.copyOf(Arrays.asList("a", null)));
        assertThrows(NullPointerException.class, () -> shared.plus(null));
        assertThrows(IndexOutOfBoundsException.class, () -> shared.dropFirst(3));
        assertThrows(IndexOutOfBoundsException.class, () -> shared.get(2));
        assertThrows(UnsupportedOperationException.class, () -> shared.add("c"));
    }
}
