package dev.perch.streams;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The apps of an accelerator by name, in the order it first saw them: an immutable map of a handful
 * of entries in arrays. Every report replaces one app's history; a copied hash map hashed every name
 * and made a node for every app on each report (profiled), where this copies one array of
 * references and compares names' cached hashes.
 */
final class OrderedApps extends AbstractMap<String, AcceleratorState.AppHistory> {
    static final OrderedApps EMPTY = new OrderedApps(new String[0], new int[0], new AcceleratorState.AppHistory[0]);

    private final String[] names;
    private final int[] hashes;
    private final AcceleratorState.AppHistory[] histories;

    private OrderedApps(String[] names, int[] hashes, AcceleratorState.AppHistory[] histories) {
        this.names = names;
        this.hashes = hashes;
        this.histories = histories;
    }

    /** {@code apps} in their iteration order: itself when it is one, else a copy (null keys and values refused). */
    static OrderedApps copyOf(Map<String, AcceleratorState.AppHistory> apps) {
        if (apps instanceof OrderedApps ordered) {
            return ordered;
        }
        int size = apps.size();
        String[] names = new String[size];
        int[] hashes = new int[size];
        AcceleratorState.AppHistory[] histories = new AcceleratorState.AppHistory[size];
        int i = 0;
        for (Map.Entry<String, AcceleratorState.AppHistory> entry : apps.entrySet()) {
            names[i] = Objects.requireNonNull(entry.getKey());
            hashes[i] = names[i].hashCode();
            histories[i] = Objects.requireNonNull(entry.getValue());
            i++;
        }
        return new OrderedApps(names, hashes, histories);
    }

    /** These apps with {@code history} under its app's name: in that app's place, or last when it is new here. */
    OrderedApps with(AcceleratorState.AppHistory history) {
        String name = history.app();
        int at = indexOf(name);
        if (at >= 0) {
            AcceleratorState.AppHistory[] replaced = histories.clone();
            replaced[at] = history;
            return new OrderedApps(names, hashes, replaced);
        }
        int size = names.length;
        String[] moreNames = Arrays.copyOf(names, size + 1);
        int[] moreHashes = Arrays.copyOf(hashes, size + 1);
        AcceleratorState.AppHistory[] more = Arrays.copyOf(histories, size + 1);
        moreNames[size] = name;
        moreHashes[size] = name.hashCode();
        more[size] = history;
        return new OrderedApps(moreNames, moreHashes, more);
    }

    /** These apps less those {@code leaving} says are gone, in the same order (itself when none is). */
    OrderedApps without(Predicate<AcceleratorState.AppHistory> leaving) {
        boolean[] gone = null;
        int kept = histories.length;
        for (int i = 0; i < histories.length; i++) {
            if (leaving.test(histories[i])) {
                if (gone == null) {
                    gone = new boolean[histories.length];
                }
                gone[i] = true;
                kept--;
            }
        }
        if (gone == null) {
            return this;
        }
        String[] keptNames = new String[kept];
        int[] keptHashes = new int[kept];
        AcceleratorState.AppHistory[] keptHistories = new AcceleratorState.AppHistory[kept];
        int j = 0;
        for (int i = 0; i < histories.length; i++) {
            if (!gone[i]) {
                keptNames[j] = names[i];
                keptHashes[j] = hashes[i];
                keptHistories[j] = histories[i];
                j++;
            }
        }
        return new OrderedApps(keptNames, keptHashes, keptHistories);
    }

    private int indexOf(Object name) {
        if (name == null) {
            return -1;
        }
        int hash = name.hashCode();
        for (int i = 0; i < names.length; i++) {
            if (hashes[i] == hash && names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public AcceleratorState.AppHistory get(Object name) {
        int at = indexOf(name);
        return at < 0 ? null : histories[at];
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    @Override
    public int size() {
        return names.length;
    }

    /** The histories in order, as a view of this map's array (iterated on every report: no entries made). */
    @Override
    public Collection<AcceleratorState.AppHistory> values() {
        return Collections.unmodifiableList(Arrays.asList(histories));
    }

    @Override
    public Set<Entry<String, AcceleratorState.AppHistory>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, AcceleratorState.AppHistory>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < names.length;
                    }

                    @Override
                    public Entry<String, AcceleratorState.AppHistory> next() {
                        if (next >= names.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, AcceleratorState.AppHistory> entry =
                                new SimpleImmutableEntry<>(names[next], histories[next]);
                        next++;
                        return entry;
                    }
                };
            }

            @Override
            public int size() {
                return names.length;
            }
        };
    }
}
