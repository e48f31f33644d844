package dev.perch.bench;

import dev.perch.model.profile.ScenarioReader;
import dev.perch.placement.ClusterModel;
import dev.perch.placement.OracleStrategy;
import dev.perch.controller.ControllerSettings;
import dev.perch.model.profile.Scenario;
import dev.perch.placement.Placement;
import dev.perch.placement.PlacementPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Perch — the controller, as {@code evaluate} runs it: apps arriving in order — against the oracle (every app at once) on many
 * random small instances — the figure {@code OracleTest} measures on seeds 1–20, over more seeds, so
 * that one unlucky draw does not decide it.
 *
 * <p>Two more figures say how much of the gap any online planner must leave:
 * <ul>
 *   <li><b>admission</b>: the part of the gap on instances where the apps Perch admitted plus any one
 *   more of the rest cannot all be hosted at once (asked of the oracle), so no moves of placed apps
 *   could have closed it;</li>
 *   <li><b>admit whenever hostable</b>: the gap of a planner with unlimited moves that admits each app
 *   in arrival order whenever the oracle can host it together with the apps already admitted. Every
 *   planner that never turns away an app it could host admits exactly this set, so its gap is the
 *   least such a planner can have; only turning away hostable apps can do better;</li>
 *   <li><b>perch admitting every app that fits</b>: Perch with its Edge TPU reserve off
 *   ({@code PlacementPolicy.withMaxShareOfEdgeTpuLeft(1)}), which is what that rule gains.</li>
 * </ul>
 *
 * <pre>mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.OracleGap -Dbench=220</pre>
 * ({@code -Dbench} is the last seed; seeds start at 1.) Each seed with a gap is listed on stderr.
 */
public final class OracleGap {
    private static final int FIRST_BLOCK = 20;

    private OracleGap() {
    }

    /** The gaps of one instance, as fractions of the oracle's count. */
    private record Gaps(double perch, double admission, double wheneverHostable, double perchAdmittingAll) {
    }

    public static void main(String[] args) {
        int lastSeed = args.length > 0 ? Integer.parseInt(args[0]) : 220;
        List<Gaps> all = new ArrayList<>();
        for (long seed = 1; seed <= lastSeed; seed++) {
            Scenario scenario = ScenarioReader.load("small", seed);
            ClusterModel empty = dev.perch.cli.EvaluateCommandAccess.initial(scenario);
            List<String> apps = List.copyOf(empty.apps().keySet());
            int optimum = hosted(empty, apps);
            java.util.Map<String, String> perch = placed(scenario, seed, PlacementPolicy.DEFAULT);
            java.util.Map<String, String> admittingAll = placed(scenario, seed, PlacementPolicy.DEFAULT.withMaxShareOfEdgeTpuLeft(1));
            int greedy = admittedWheneverHostable(empty, apps);
            double gap = gap(perch.size(), optimum);
            boolean admission = gap > 0 && admissionBound(empty, perch.keySet(), apps);
            all.add(new Gaps(gap, admission ? gap : 0, gap(greedy, optimum), gap(admittingAll.size(), optimum)));
            if (gap > 0 || greedy < optimum) {
                System.err.printf(Locale.ROOT, "seed %3d: %2d apps: oracle %2d, perch %2d%s, admit whenever hostable %2d%n",
                        seed, apps.size(), optimum, perch.size(), admission ? " (admission)" : "", greedy);
            }
        }
        print("seeds 1-" + lastSeed, all);
        print("seeds 1-" + Math.min(FIRST_BLOCK, lastSeed), all.subList(0, Math.min(FIRST_BLOCK, lastSeed)));
        if (lastSeed > FIRST_BLOCK) {
            print("seeds " + (FIRST_BLOCK + 1) + "-" + lastSeed, all.subList(FIRST_BLOCK, lastSeed));
        }
    }

    /** Where the controller places the scenario's apps under {@code policy}. */
    private static java.util.Map<String, String> placed(Scenario scenario, long seed, PlacementPolicy policy) {
        return dev.perch.cli.EvaluateCommandAccess.placedByController(scenario, seed,
                ControllerSettings.DEFAULT.withPlacement(policy));
    }

    private static double gap(int placed, int optimum) {
        return optimum == 0 ? 0 : 1 - (double) placed / optimum;
    }

    private static void print(String label, List<Gaps> gaps) {
        long withGap = gaps.stream().filter(g -> g.perch() > 0).count();
        System.out.printf(Locale.ROOT, "%s: perch mean gap %.2f %% (%d of %d instances with a gap; %.2f points of it admission);"
                        + " admit whenever hostable %.2f %%; perch admitting every app that fits %.2f %%%n", label,
                100 * mean(gaps, Gaps::perch), withGap, gaps.size(), 100 * mean(gaps, Gaps::admission),
                100 * mean(gaps, Gaps::wheneverHostable), 100 * mean(gaps, Gaps::perchAdmittingAll));
    }

    private static double mean(List<Gaps> gaps, java.util.function.ToDoubleFunction<Gaps> value) {
        return gaps.stream().mapToDouble(value).average().orElse(0);
    }

    /** The most of {@code apps} the oracle hosts at once. */
    private static int hosted(ClusterModel empty, List<String> apps) {
        Placement placement = Placement.of(empty);
        new OracleStrategy(PlacementPolicy.DEFAULT).placeAll(placement, new ArrayList<>(apps));
        return placement.placedCount();
    }

    /** How many apps are admitted in arrival order when each is admitted whenever the oracle can host it with those before. */
    private static int admittedWheneverHostable(ClusterModel empty, List<String> apps) {
        List<String> admitted = new ArrayList<>();
        for (String app : apps) {
            admitted.add(app);
            if (hosted(empty, admitted) < admitted.size()) {
                admitted.remove(admitted.size() - 1);
            }
        }
        return admitted.size();
    }

    /** Whether the admitted apps plus any one more of the rest can never be hosted together. */
    private static boolean admissionBound(ClusterModel empty, Set<String> admitted, List<String> apps) {
        for (String app : apps) {
            if (!admitted.contains(app)) {
                List<String> together = new ArrayList<>(admitted);
                together.add(app);
                if (hosted(empty, together) == together.size()) {
                    return false;
                }
            }
        }
        return true;
    }
}
