package dev.perch.streams;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OrderedAppsTest {

    private static AcceleratorState.AppHistory history(String app, int version) {
        return new AcceleratorState.AppHistory(app, "model-" + version, List.of(), Learned.EMPTY,
                AlertHysteresis.Tracker.INITIAL, null);
    }

    @Test
    void behavesAsAnInsertionOrderedMapWhoseEntriesAreReplacedInPlace() {
        // Random replacements, arrivals and departures, each version checked against a LinkedHashMap.
        SplittableRandom random = new SplittableRandom(3);
        OrderedApps apps = OrderedApps.EMPTY;
        LinkedHashMap<String, AcceleratorState.AppHistory> truth = new LinkedHashMap<>();
        for (int step = 0; step < 3_000; step++) {
            if (random.nextInt(5) == 0 && !truth.isEmpty()) {
                String gone = new ArrayList<>(truth.keySet()).get(random.nextInt(truth.size()));
                apps = apps.without(h -> h.app().equals(gone));
                truth.remove(gone);
            } else {
                // A fresh String each time, as a parsed report's name is.
                String app = new String("app-" + random.nextInt(12));
                AcceleratorState.AppHistory next = history(app, step);
                apps = apps.with(next);
                truth.put(app, next); // LinkedHashMap keeps a replaced key in its place
            }
            assertEquals(truth, apps);
            assertEquals(List.copyOf(truth.keySet()), List.copyOf(apps.keySet()), "order at step " + step);
            assertEquals(List.copyOf(truth.values()), List.copyOf(apps.values()));
        }
        assertNull(apps.get("app-99"));
        assertNull(apps.get(null));
    }

    @Test
    void copiesAnyMapInItsOrderOnlyOnceAndCannotBeChanged() {
        Map<String, AcceleratorState.AppHistory> given = new LinkedHashMap<>();
        given.put("b", history("b", 1));
        given.put("a", history("a", 2));
        OrderedApps apps = OrderedApps.copyOf(given);
        assertEquals(List.of("b", "a"), List.copyOf(apps.keySet()));
        assertSame(apps, OrderedApps.copyOf(apps));
        assertSame(apps, apps.without(h -> false), "nothing left: the same map");
        assertThrows(UnsupportedOperationException.class, () -> apps.put("c", history("c", 3)));
        assertThrows(UnsupportedOperationException.class, () -> apps.remove("a"));
        assertThrows(UnsupportedOperationException.class, () -> apps.keySet().remove("a"));
        assertThrows(UnsupportedOperationException.class, apps::clear);
        assertThrows(UnsupportedOperationException.class, () -> apps.values().clear());
        assertThrows(UnsupportedOperationException.class, () -> apps.entrySet().iterator().next().setValue(null));
    }
}
