package dev.perch.bench;

import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.placement.ClusterModel;
import dev.perch.placement.MigrationPlan;
import dev.perch.placement.MigrationPlanner;
import dev.perch.placement.PerchStrategy;
import dev.perch.placement.Placement;
import dev.perch.placement.PlacementPolicy;
import dev.perch.placement.Strategy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Placement at scale: the {@code mixed-1000} scenario (1,000 accelerators, 10,000 apps) placed by
 * {@code perch} one app at a time, timed end to end (wall clock, this process, after a warm-up run
 * on a fresh placement), and then the cost of one more app's decision on the full cluster (median
 * and tail over apps taken off the full cluster and offered again, in two rounds: the first includes
 * the JIT compiling the rarer paths). Last, the same for the controller's decision on a new app
 * ({@code MigrationPlanner.admit}, room made by ordered moves only).
 *
 * <pre>mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.PlacementScale -Dbench=3</pre>
 * ({@code -Dbench} is the number of timed runs.)
 */
public final class PlacementScale {
    private PlacementScale() {
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        Scenario scenario = ScenarioReader.load("mixed-1000", 1);
        ClusterModel empty = dev.perch.cli.EvaluateCommandAccess.initial(scenario);
        List<String> apps = scenario.apps().stream().map(AppSpec::app).toList();
        System.out.printf(Locale.ROOT, "%s: %d accelerators, %d apps%n", scenario.name(), empty.devices().size(), apps.size());

        Placement placement = null;
        for (int run = 0; run <= runs; run++) {
            placement = Placement.of(empty);
            PerchStrategy perch = new PerchStrategy(PlacementPolicy.DEFAULT);
            int moves = 0;
            long rejectedNs = 0;
            long start = System.nanoTime();
            for (String app : apps) {
                long offerStart = System.nanoTime();
                if (perch.offer(placement, app) instanceof Strategy.Offer.Placed placed) {
                    moves += placed.moves();
                } else {
                    rejectedNs += System.nanoTime() - offerStart;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%s: placed %d of %d apps in %.2f s (%.2f s of it on the rejected ones; %d moves to make room)%n",
                    run == 0 ? "warm-up" : "run " + run, placement.placedCount(), apps.size(), seconds, rejectedNs / 1e9, moves);
        }

        // One new app's decision on the full cluster: offer again apps taken off it.
        PerchStrategy perch = new PerchStrategy(PlacementPolicy.DEFAULT);
        for (int round = 1; round <= 2; round++) {
            int samples = 5000;
            double[] micros = new double[samples];
            for (int i = 0; i < samples; i++) {
                String app = apps.get((i * 7919) % apps.size());
                placement.assign(app, null);
                long start = System.nanoTime();
                perch.offer(placement, app);
                micros[i] = (System.nanoTime() - start) / 1e3;
            }
            Arrays.sort(micros);
            System.out.printf(Locale.ROOT, "round %d, one app's incremental decision on the full cluster (%d offers): median %.2f ms,"
                            + " p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n", round, samples, micros[samples / 2] / 1000,
                    micros[(int) (samples * 0.99)] / 1000, micros[(int) (samples * 0.999)] / 1000, micros[samples - 1] / 1000);
        }

        // The controller's decision for a new app (MigrationPlanner.admit, which makes room with
        // ordered moves only) on the same full cluster; its plan is applied so the cluster stays full.
        // Timed: admit alone, not building its ClusterModel from the cluster's state.
        MigrationPlanner planner = new MigrationPlanner(PlacementPolicy.DEFAULT, 3);
        for (int round = 1; round <= 2; round++) {
            int samples = 1000;
            double[] micros = new double[samples];
            int placed = 0;
            int moves = 0;
            for (int i = 0; i < samples; i++) {
                String app = apps.get((i * 7919) % apps.size());
                placement.assign(app, null);
                ClusterModel cluster = placement.snapshot();
                long start = System.nanoTime();
                MigrationPlan plan = planner.admit(cluster, app, Set.of());
                micros[i] = (System.nanoTime() - start) / 1e3;
                for (MigrationPlan.Action action : plan.actions()) {
                    if (action instanceof MigrationPlan.Action.Move move) {
                        placement.assign(move.app(), move.to());
                        moves++;
                    } else if (action instanceof MigrationPlan.Action.Place place) {
                        placement.assign(place.app(), place.to());
                        placed++;
                    }
                }
            }
            Arrays.sort(micros);
            System.out.printf(Locale.ROOT, "round %d, the controller's admit on the full cluster (%d new apps, %d placed, %d moves):"
                            + " median %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n", round, samples, placed, moves,
                    micros[samples / 2] / 1000, micros[(int) (samples * 0.99)] / 1000, micros[(int) (samples * 0.999)] / 1000,
                    micros[samples - 1] / 1000);
        }
    }
}
