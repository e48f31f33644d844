package dev.perch.controller;

import dev.perch.placement.AppDemand;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The apps a pass found no room for, so that a later app of the pass that asks no less of every
 * accelerator is known to find none either, without the search — on a full cluster of 1,000
 * accelerators that search, and the reason it writes for each accelerator, cost milliseconds an
 * app, for thousands of apps.
 *
 * <p>Why it is sound. App B asks no less than app A when it runs the same model (the same costs and
 * memory on every accelerator type), at no lower a rate, with no looser an SLO of the same
 * statistic over the same window: the queueing models predict more load and longer latencies for
 * more requests, so an accelerator that could not take A with what ran on it cannot take B with as
 * much or more. A found no accelerator and no room; B is asked later in the same pass, when (the
 * {@link WorkingCluster} checks) nothing has freed room since — apps were only placed or moved
 * onto accelerators, none left one, no accelerator appeared, the catalog and the closed
 * accelerators are the pass's — and no app can be moved to make room, then as at A's decision:
 * the room search moves only movable apps, and every app placed or moved by this pass is in its
 * cooldown. (With movable apps about, the room search's outcome is not monotone — a target that
 * became busier with the evicted app's own model may cost less — so the search runs in full.)
 *
 * <p>Not thread-safe: the {@link Reconciler}'s lock.
 */
final class PassRefusals {
    /** An app refused, and the shape of the cluster when it was. */
    record Refusal(AppDemand demand, ClusterShape shape) {
    }

    private final Map<String, List<Refusal>> byModel = new HashMap<>();

    /** An earlier refusal of an app that asked no more than {@code demand}, with nothing freed since {@code now}. */
    Optional<Refusal> asking(AppDemand demand, ClusterShape now) {
        for (Refusal refusal : byModel.getOrDefault(demand.model(), List.of())) {
            if (asksNoMore(refusal.demand(), demand) && !now.mayHaveFreedRoomSince(refusal.shape())) {
                return Optional.of(refusal);
            }
        }
        return Optional.empty();
    }

    void refused(AppDemand demand, ClusterShape shape) {
        List<Refusal> refusals = byModel.computeIfAbsent(demand.model(), m -> new ArrayList<>());
        // One that asks no less than an earlier refusal adds nothing: it is never the one that answers.
        if (refusals.stream().noneMatch(r -> asksNoMore(r.demand(), demand))) {
            refusals.add(new Refusal(demand, shape));
        }
    }

    /** Whether {@code a} asks no more of any accelerator than {@code b}. */
    static boolean asksNoMore(AppDemand a, AppDemand b) {
        return a.model().equals(b.model()) && a.profiles().equals(b.profiles()) && a.ratePerSec() <= b.ratePerSec()
                && a.sloMs() >= b.sloMs() && a.sloStatistic() == b.sloStatistic() && a.sloWindowSec() == b.sloWindowSec();
    }
}
