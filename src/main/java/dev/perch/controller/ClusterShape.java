package dev.perch.controller;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.ProfileCatalog;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What of the cluster may give an app room: the profile catalog, the accelerators, and which apps
 * hold each accelerator (serve there, move there, or still run there while moving off). An app
 * that found no accelerator, or is still at risk after an answer that changed nothing, is decided
 * again at once only when the cluster {@link #mayHaveFreedRoomSince may have freed room} since —
 * as kube-scheduler's queueing hints re-queue a pod only on an event that could make it fit —
 * not on every change: placing an app, or starting a move, frees nothing, and on a cluster that
 * keeps thousands of apps it cannot place, re-deciding all of them after every placement made
 * each pass cost seconds (loadtests/README.md).
 */
record ClusterShape(ProfileCatalog catalog, Set<String> accelerators, Map<String, Set<String>> holders) {
    static ClusterShape of(ClusterSnapshot snapshot, ProfileCatalog catalog) {
        Set<String> accelerators = new HashSet<>();
        snapshot.accelerators().forEach(a -> accelerators.add(a.id()));
        Map<String, Set<String>> holders = new HashMap<>();
        for (RunningApp app : snapshot.apps()) {
            app.accelerator().ifPresent(a -> holders.computeIfAbsent(a, k -> new HashSet<>()).add(app.app()));
            app.migratingTo().ifPresent(a -> holders.computeIfAbsent(a, k -> new HashSet<>()).add(app.app()));
            app.migratingFrom().ifPresent(a -> holders.computeIfAbsent(a, k -> new HashSet<>()).add(app.app()));
        }
        return new ClusterShape(catalog, accelerators, holders);
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
        if (!catalog.equals(earlier.catalog)) {
            return true;
        }
        for (String accelerator : accelerators) {
            if (!earlier.accelerators.contains(accelerator)) {
                return true;
            }
        }
        for (Map.Entry<String, Set<String>> held : earlier.holders.entrySet()) {
            if (accelerators.contains(held.getKey())
                    && !holders.getOrDefault(held.getKey(), Set.of()).containsAll(held.getValue())) {
                return true;
            }
        }
        return false;
    }
}
