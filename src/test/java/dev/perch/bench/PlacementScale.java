package dev.perch.bench;

import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.placement.ClusterModel;
import dev.perch.placement.MigrationPlanner;
import dev.perch.placement.Placement;
import dev.perch.placement.PlacementPolicy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The planner's admission at scale: the {@code mixed-1000} scenario (1,000 accelerators, 10,000
 * apps) admitted one app at a time by the controller's decision code ({@code MigrationPlanner.admit},
 * each plan applied), timed end to end (wall clock, this process, after a warm-up run); then one
 * more app's admission on the full cluster (median and tail over apps taken off it and admitted
 * again, in two rounds: the first includes the JIT compiling the rarer paths). The planner alone,
 * without the controller's reading of the cluster: {@code ControllerPass} times the whole pass.
 *
 * <pre>mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.PlacementScale -Dbench=3</pre>
 * ({@code -Dbench} is the number of timed runs.)
 */
public final class PlacementScale {
    private static final MigrationPlanner PLANNER = new MigrationPlanner(PlacementPolicy.DEFAULT, 3); // the controller's budget

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
            int[] moves = new int[1];
            long rejectedNs = 0;
            long start = System.nanoTime();
            for (String app : apps) {
                long offerStart = System.nanoTime();
                if (!admit(placement, app, moves)) {
                    rejectedNs += System.nanoTime() - offerStart;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%s: admitted %d of %d apps in %.2f s (%.2f s of it on the rejected ones; %d moves to make room)%n",
                    run == 0 ? "warm-up" : "run " + run, placement.placedCount(), apps.size(), seconds, rejectedNs / 1e9, moves[0]);
        }

        for (int round = 1; round <= 2; round++) {
            int samples = 1000;
            double[] micros = new double[samples];
            int[] moves = new int[1];
            int placed = 0;
            for (int i = 0; i < samples; i++) {
                String app = apps.get((i * 7919) % apps.size());
                placement.assign(app, null);
                long start = System.nanoTime();
                placed += admit(placement, app, moves) ? 1 : 0;
                micros[i] = (System.nanoTime() - start) / 1e3;
            }
            Arrays.sort(micros);
            System.out.printf(Locale.ROOT, "round %d, one app's admission on the full cluster (%d new apps, %d placed, %d moves):"
                            + " median %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n", round, samples, placed, moves[0],
                    micros[samples / 2] / 1000, micros[(int) (samples * 0.99)] / 1000, micros[(int) (samples * 0.999)] / 1000,
                    micros[samples - 1] / 1000);
        }
    }

    /** Admits {@code app} and applies the plan to {@code placement}; whether it was placed. Counts the moves. */
    private static boolean admit(Placement placement, String app, int[] moves) {
        if (PLANNER.admit(placement.snapshot(), app, Set.of(), Map.of()) instanceof MigrationPlanner.Admission.Admitted admitted) {
            moves[0] += (int) admitted.plan().moves();
            admitted.plan().steps().forEach(step -> placement.assign(step.app(), step.to()));
            return true;
        }
        return false;
    }
}
