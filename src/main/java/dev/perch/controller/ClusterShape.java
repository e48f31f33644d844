package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.ProfileCatalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * What of the cluster may give an app room: the profile catalog, the accelerators, and which apps
 * hold each accelerator (serve there, move there, or still run there while moving off). An app
 * that found no accelerator, or is still at risk after an answer that changed nothing, is decided
 * again at once only when the cluster {@link #mayHaveFreedRoomSince may have freed room} since —
 * as kube-scheduler's queueing hints re-queue a pod only on an event that could make it fit —
 * not on every change: placing an app, or starting a move, frees nothing, and on a cluster that
 * keeps thousands of apps it cannot place, re-deciding all of them after every placement made
 * each pass cost seconds (loadtests/README.md).
 *
 * <p>A shape is read from a snapshot ({@link #of}); a pass's working model grows it after each of
 * its decisions ({@link #holding}) rather than reading the cluster again. The shapes grown from one
 * snapshot share what they were read from and the list of holdings added since, so that each costs
 * one entry, and comparing two of them is a comparison of lengths; comparing shapes of different
 * snapshots (a backoff taken in an earlier pass) costs the earlier shape's size once per pair of
 * snapshots, then only what was lost since. Immutable to its users; not thread-safe (the
 * {@link Reconciler}'s lock).
 */
final class ClusterShape {
    /** What one snapshot showed. */
    private record Read(ProfileCatalog catalog, Set<String> accelerators, Map<String, Set<String>> holders) {
    }

    /** An app holding an accelerator. */
    private record Holding(String accelerator, String app) {
    }

    /**
     * The holdings added to one read, in order, shared by the shapes grown from it; and, for the
     * shapes of another read compared with these, the holdings of theirs these lacked when last asked.
     */
    private static final class Growth {
        final List<Holding> added = new ArrayList<>();
        final Map<Holding, Integer> index = new HashMap<>();
        /** Weak: a backoff's old shape is let go with the backoff; its growth must not be kept alive here. */
        final Map<Growth, Lost> lostSince = new WeakHashMap<>();

        Growth prefix(int length) {
            Growth copy = new Growth();
            added.subList(0, length).forEach(copy::add);
            return copy;
        }

        void add(Holding holding) {
            index.putIfAbsent(holding, added.size());
            added.add(holding);
        }
    }

    /**
     * The holdings of an earlier read, and of its growth (by index, the first {@code covered}), that
     * a later chain lacked at {@code atLength}.
     */
    private static final class Lost {
        final int atLength;
        final List<Holding> ofRead;
        final List<Integer> grown;
        int covered;

        Lost(int atLength, List<Holding> ofRead, List<Integer> grown, int covered) {
            this.atLength = atLength;
            this.ofRead = ofRead;
            this.grown = grown;
            this.covered = covered;
        }
    }

    private final Source source;
    private final Growth growth;
    /** How many of {@code growth}'s holdings this shape has. */
    private final int length;

    private ClusterShape(Source source, Growth growth, int length) {
        this.source = source;
        this.growth = growth;
        this.length = length;
    }

    /** A shape of what {@code snapshot} shows, read from it only when first compared (most never are). */
    static ClusterShape of(ClusterSnapshot snapshot, ProfileCatalog catalog) {
        return new ClusterShape(new Source(snapshot, catalog), new Growth(), 0);
    }

    /** A snapshot's shape, read from it once, when first needed. */
    private static final class Source {
        private ClusterSnapshot snapshot;
        private final ProfileCatalog catalog;
        private Read read;

        /**
         * Whether this read has a catalog other than an earlier read's, or an accelerator it lacked,
         * worked out once per pair: every app that waits in a backoff asks it of the read its backoff
         * was taken in, and the reads have a thousand accelerators.
         */
        private final Map<Source, Boolean> offersMoreThan = new WeakHashMap<>();

        Source(ClusterSnapshot snapshot, ProfileCatalog catalog) {
            this.snapshot = snapshot;
            this.catalog = catalog;
        }

        boolean offersMoreThan(Source earlier) {
            return offersMoreThan.computeIfAbsent(earlier, e -> {
                if (!get().catalog().equals(e.get().catalog())) {
                    return true;
                }
                for (String accelerator : get().accelerators()) {
                    if (!e.get().accelerators().contains(accelerator)) {
                        return true;
                    }
                }
                return false;
            });
        }

        Read get() {
            if (read == null) {
                Set<String> accelerators = new HashSet<>();
                snapshot.accelerators().forEach(a -> accelerators.add(a.id()));
                Map<String, Set<String>> holders = new HashMap<>();
                for (RunningApp app : snapshot.apps()) {
                    app.accelerator().ifPresent(a -> holders.computeIfAbsent(a, k -> new HashSet<>()).add(app.app()));
                    app.migratingTo().ifPresent(a -> holders.computeIfAbsent(a, k -> new HashSet<>()).add(app.app()));
                    app.migratingFrom().ifPresent(a -> holders.computeIfAbsent(a, k -> new HashSet<>()).add(app.app()));
                }
                read = new Read(catalog, accelerators, holders);
                snapshot = null;
            }
            return read;
        }
    }

    /** This shape with {@code app} holding {@code accelerator} too: placed there, or moving there. */
    ClusterShape holding(String accelerator, String app) {
        if (holds(accelerator, app)) {
            return this;
        }
        Growth grown = length == growth.added.size() ? growth : growth.prefix(length);
        grown.add(new Holding(accelerator, app));
        return new ClusterShape(source, grown, length + 1);
    }

    private boolean holds(String accelerator, String app) {
        Set<String> holders = source.get().holders().get(accelerator);
        if (holders != null && holders.contains(app)) {
            return true;
        }
        Integer at = growth.index.get(new Holding(accelerator, app));
        return at != null && at < length;
    }

    private boolean holds(Holding holding) {
        return !source.get().accelerators().contains(holding.accelerator()) || holds(holding.accelerator(), holding.app());
    }

    /**
     * Whether, since {@code earlier}, the cluster may have freed room: the catalog changed (a model
     * added makes its apps placeable), an accelerator appeared, or an app no longer holds an
     * accelerator it held (it moved off, finished a move, was rolled back, or is gone).
     */
    boolean mayHaveFreedRoomSince(ClusterShape earlier) {
        if (this == earlier) {
            return false;
        }
        if (source == earlier.source) {
            if (growth == earlier.growth && earlier.length <= length) {
                return false; // grown from it: holdings were only added
            }
        } else if (source.offersMoreThan(earlier.source)) {
            return true;
        }
        return lostAny(earlier);
    }

    /** Whether a holding of {@code earlier}, on an accelerator this shape has, is not one of this shape's. */
    private boolean lostAny(ClusterShape earlier) {
        Lost lost = growth.lostSince.get(earlier.growth);
        if (lost == null || lost.atLength > length) {
            List<Holding> ofRead = new ArrayList<>();
            for (Map.Entry<String, Set<String>> held : earlier.source.get().holders().entrySet()) {
                for (String app : held.getValue()) {
                    ofRead.add(new Holding(held.getKey(), app));
                }
            }
            lost = new Lost(length, ofRead, new ArrayList<>(), 0);
        } else {
            lost = new Lost(length, lost.ofRead, lost.grown, lost.covered);
        }
        List<Holding> grownByEarlier = earlier.growth.added;
        for (; lost.covered < grownByEarlier.size(); lost.covered++) {
            lost.grown.add(lost.covered);
        }
        // This chain only adds holdings: what it holds now, it holds at every later length too.
        lost.ofRead.removeIf(this::holds);
        lost.grown.removeIf(i -> holds(grownByEarlier.get(i)));
        growth.lostSince.put(earlier.growth, lost);
        return !lost.ofRead.isEmpty() || (!lost.grown.isEmpty() && lost.grown.get(0) < earlier.length);
    }
}
