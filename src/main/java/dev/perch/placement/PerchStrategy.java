package dev.perch.placement;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Perch's planner as a strategy. A new app goes where, by Perch's models (mean and tail), it and
 * every app already there meet their SLOs, at the least added utilisation
 * ({@link TargetSelector#placeTarget}). When no device has room, it makes room by moving a few placed
 * apps, within a bound on what that costs ({@link RoomSearch}); each such move is counted. An app
 * that only Edge TPUs can run and that would take a large share of their time left is turned away
 * though it fits ({@link EdgeTpuReserve}). The controller places new apps by the same rules
 * ({@link MigrationPlanner#admit}).
 */
public final class PerchStrategy implements Strategy.Online {
    private final TargetSelector selector;
    private final RoomSearch rooms;
    private final EdgeTpuReserve reserve;

    public PerchStrategy(PlacementPolicy policy) {
        DeviceEvaluator evaluator = new DeviceEvaluator(policy);
        this.selector = new TargetSelector(evaluator);
        this.rooms = new RoomSearch(evaluator);
        this.reserve = new EdgeTpuReserve(policy);
    }

    @Override
    public String name() {
        return "perch";
    }

    @Override
    public Offer offer(Placement placement, String app) {
        Optional<String> target = selector.placeTarget(placement, app, Set.of());
        Optional<RoomSearch.Room> room = target.isPresent() ? Optional.empty() : rooms.find(placement, app, Set.of(), false);
        if (target.isEmpty() && room.isEmpty()) {
            return new Offer.Rejected("no device keeps every SLO with " + app + ", " + RoomSearch.noRoomReason());
        }
        // Asked only of an app that fits, so that one that fits nowhere is told that.
        Optional<String> refusal = reserve.refusal(placement, app, Set.of());
        if (refusal.isPresent()) {
            return new Offer.Rejected(refusal.get());
        }
        if (target.isPresent()) {
            placement.assign(app, target.get());
            return new Offer.Placed(target.get(), List.of());
        }
        room.get().moves().forEach(move -> placement.assign(move.app(), move.to()));
        placement.assign(app, room.get().device());
        return new Offer.Placed(room.get().device(), room.get().moves().stream().map(RoomSearch.Relocation::app).toList());
    }
}
