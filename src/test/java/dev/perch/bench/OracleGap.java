package dev.perch.bench;

import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.placement.ClusterModel;
import dev.perch.placement.OracleStrategy;
import dev.perch.placement.PerchStrategy;
import dev.perch.placement.Placement;
import dev.perch.placement.PlacementPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Perch (online, apps offered in arrival order) against the oracle (every app at once) on many
 * random small instances — the figure {@code OracleTest} measures on seeds 1–20, over more seeds, so
 * that one unlucky draw does not decide it. For each instance with a gap it also tells whether the
 * gap is one of admission: the apps Perch admitted plus any one more of the rest cannot all be
 * hosted at once (asked of the oracle), so no moves of placed apps could have closed it.
 *
 * <pre>mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.OracleGap -Dbench=220</pre>
 * ({@code -Dbench} is the last seed; seeds start at 1.)
 */
public final class OracleGap {
    private OracleGap() {
    }

    public static void main(String[] args) {
        int lastSeed = args.length > 0 ? Integer.parseInt(args[0]) : 220;
        double firstTwenty = 0;
        double rest = 0;
        double admission = 0;
        int withGap = 0;
        for (long seed = 1; seed <= lastSeed; seed++) {
            ClusterModel empty = dev.perch.cli.EvaluateCommandAccess.initial(ScenarioReader.load("small", seed));
            List<String> apps = List.copyOf(empty.apps().keySet());
            int optimum = hosted(empty, apps);
            Placement perch = Placement.of(empty);
            PerchStrategy strategy = new PerchStrategy(PlacementPolicy.DEFAULT);
            apps.forEach(app -> strategy.offer(perch, app));
            double gap = optimum == 0 ? 0 : 1 - (double) perch.placedCount() / optimum;
            if (seed <= 20) {
                firstTwenty += gap;
            } else {
                rest += gap;
            }
            if (gap > 0) {
                withGap++;
                if (admissionBound(empty, perch.snapshot().assignment().keySet(), apps)) {
                    admission += gap;
                }
            }
        }
        System.out.printf(Locale.ROOT, "seeds 1-%d: mean gap %.2f %% (%d of %d instances with a gap; %.2f points of it admission)%n",
                lastSeed, 100 * (firstTwenty + rest) / lastSeed, withGap, lastSeed, 100 * admission / lastSeed);
        System.out.printf(Locale.ROOT, "seeds 1-20: %.2f %%%n", 100 * firstTwenty / Math.min(20, lastSeed));
        if (lastSeed > 20) {
            System.out.printf(Locale.ROOT, "seeds 21-%d: %.2f %%%n", lastSeed, 100 * rest / (lastSeed - 20));
        }
    }

    /** The most of {@code apps} the oracle hosts at once. */
    private static int hosted(ClusterModel empty, List<String> apps) {
        Placement placement = Placement.of(empty);
        new OracleStrategy(PlacementPolicy.DEFAULT).placeAll(placement, new ArrayList<>(apps));
        return placement.placedCount();
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
