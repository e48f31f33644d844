package dev.perch.bench;

import dev.perch.cli.EvaluateCommandAccess;
import dev.perch.cluster.PlanStep;
import dev.perch.controller.ControllerSettings;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.model.queueing.SlidingStatistic;
import dev.perch.placement.PlacementPolicy;
import dev.perch.sim.SimulatedCluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Window compliance of what the controller places, judged by the simulator: for each seed and
 * placement-policy variant ({@link PolicyVariants#policy}), where {@code evaluate}'s {@code perch}
 * (the {@code Reconciler} on the simulated cluster) puts the scenario's apps, then that placement run
 * in the simulator and every app judged every simulated second on its SLO statistic over its own
 * {@code sloWindowSec} ({@link SlidingStatistic}), once a full window has run: the judged
 * app-seconds, those over the SLO, and each app's compliance (the share of its judged seconds
 * under its SLO) against the 99 % promised.
 *
 * <pre>mvn -B -o -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.WindowCompliance \
 *     -Dbench="mixed 1 10 declared 6000 default maxUtilization=0.85 rateHeadroom=0"</pre>
 * The arguments: scenario, first and last seed, every app's {@code sloWindowSec} (or {@code declared}
 * to keep the scenario's), the simulated seconds judged after a first window, then the variants.
 * Prints a cell per seed and variant, a table of totals, and on stderr each app under the promise.
 */
public final class WindowCompliance {
    private static final double PROMISE = 0.99;

    private WindowCompliance() {
    }

    public static void main(String[] arguments) {
        // Through -Pbench exec:exec the arguments arrive as one (-Dbench="mixed 1 10 declared 6000 default").
        String[] args = arguments.length == 1 ? arguments[0].trim().split("\\s+") : arguments;
        if (args.length < 5) {
            System.err.println("usage: WindowCompliance SCENARIO FIRST_SEED LAST_SEED WINDOW|declared JUDGED_SEC [VARIANT ...]");
            System.exit(2);
        }
        String name = args[0];
        long first = Long.parseLong(args[1]);
        long last = Long.parseLong(args[2]);
        String window = args[3];
        int judged = Integer.parseInt(args[4]);
        List<String> variants = args.length > 5 ? List.of(args).subList(5, args.length) : List.of("default");
        Map<String, long[]> totals = new LinkedHashMap<>(); // placed, judged, over, apps under, seeds
        Map<String, Double> worst = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "Scenario %s, seeds %d–%d, windows %s, %d judged seconds; each cell apps placed /"
                + " apps under %.0f %% window compliance / worst app's compliance%n%n", name, first, last, window, judged, 100 * PROMISE);
        System.out.println("| seed | " + String.join(" | ", variants) + " |");
        System.out.println("|---|" + "---|".repeat(variants.size()));
        for (long seed = first; seed <= last; seed++) {
            Scenario scenario = withWindow(ScenarioReader.load(name, seed), window);
            StringBuilder row = new StringBuilder("| " + seed + " |");
            for (String variant : variants) {
                long start = System.nanoTime();
                PlacementPolicy policy = PolicyVariants.policy(variant);
                Map<String, String> placement = EvaluateCommandAccess.placedByController(scenario, seed,
                        ControllerSettings.DEFAULT.withPlacement(policy));
                Judged result = judge(scenario, placement, seed, judged);
                long[] t = totals.computeIfAbsent(variant, v -> new long[5]);
                t[0] += placement.size();
                t[1] += result.judged;
                t[2] += result.over;
                t[3] += result.appsUnder;
                t[4] += result.appsUnder > 0 ? 1 : 0;
                worst.merge(variant, result.worst, Math::min);
                row.append(String.format(Locale.ROOT, " %d / %d / %.1f %% |", placement.size(), result.appsUnder, 100 * result.worst));
                System.err.printf(Locale.ROOT, "%s seed %d %s: %d placed, %d under, worst %.3f (%.1f s)%n", name, seed, variant,
                        placement.size(), result.appsUnder, result.worst, (System.nanoTime() - start) / 1e9);
            }
            System.out.println(row);
            System.out.flush();
        }
        System.out.println();
        System.out.println("| variant | apps placed | judged app-seconds | over the SLO | compliance | apps under 99 % (seeds) | worst app |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String variant : variants) {
            long[] t = totals.get(variant);
            System.out.printf(Locale.ROOT, "| %s | %d | %,d | %,d | %.2f %% | %d (%d) | %.1f %% |%n", variant, t[0], t[1], t[2],
                    100.0 * (t[1] - t[2]) / t[1], t[3], t[4], 100 * worst.get(variant));
        }
    }

    private static Scenario withWindow(Scenario scenario, String window) {
        if (window.equals("declared")) {
            return scenario;
        }
        int seconds = Integer.parseInt(window);
        List<AppSpec> apps = scenario.apps().stream().map(a -> a.withSloWindowSec(seconds)).toList();
        return new Scenario(scenario.name(), scenario.networkMs(), scenario.nodes(), scenario.catalog(), apps,
                scenario.lengthSec());
    }

    private record Judged(long judged, long over, int appsUnder, double worst) {
    }

    /** Runs the placement in the simulator and judges every placed app on its own window. */
    private static Judged judge(Scenario scenario, Map<String, String> placement, long seed, int judgedSec) {
        SimulatedCluster cluster = new SimulatedCluster(scenario, seed, 0, 0);
        Map<String, SlidingStatistic> sliding = new HashMap<>();
        Map<String, AppSpec> specs = new HashMap<>();
        int warmUp = 0;
        for (AppSpec app : scenario.apps()) {
            if (placement.containsKey(app.app())) {
                sliding.put(app.app(), new SlidingStatistic(app.sloWindowSec(), app.sloStatistic()));
                specs.put(app.app(), app);
                warmUp = Math.max(warmUp, app.sloWindowSec());
            }
        }
        cluster.addCompletionListener(c -> {
            SlidingStatistic s = sliding.get(c.app());
            if (s != null) {
                s.add(c.latencyMs());
            }
        });
        for (Map.Entry<String, String> placed : placement.entrySet()) {
            String running = cluster.snapshot().app(placed.getKey()).flatMap(a -> a.accelerator()).orElse(null);
            cluster.apply(running == null || running.equals(placed.getValue())
                    ? new PlanStep.Place(placed.getKey(), placed.getValue())
                    : new PlanStep.Move(placed.getKey(), running, placed.getValue()));
        }
        Map<String, long[]> counts = new HashMap<>();
        List<String> apps = new ArrayList<>(sliding.keySet());
        for (int s = 0; s < warmUp + judgedSec; s++) {
            cluster.advanceWindow();
            for (String app : apps) {
                double value = sliding.get(app).endSecond();
                if (s >= warmUp) {
                    long[] c = counts.computeIfAbsent(app, k -> new long[2]);
                    c[0]++;
                    if (!(value <= specs.get(app).sloMs())) { // NaN: nothing completed in a whole window
                        c[1]++;
                    }
                }
            }
        }
        long judged = 0;
        long over = 0;
        int under = 0;
        double worst = 1;
        for (Map.Entry<String, long[]> entry : counts.entrySet()) {
            long[] c = entry.getValue();
            judged += c[0];
            over += c[1];
            double compliance = 1 - (double) c[1] / c[0];
            worst = Math.min(worst, compliance);
            if (compliance < PROMISE) {
                under++;
                AppSpec spec = specs.get(entry.getKey());
                System.err.printf(Locale.ROOT, "  %s on %s: %s over %d s ≤ %.0f ms in %.1f %% of %d judged seconds%n",
                        entry.getKey(), placement.get(entry.getKey()), spec.sloStatistic(), spec.sloWindowSec(), spec.sloMs(),
                        100 * compliance, c[0]);
            }
        }
        return new Judged(judged, over, under, worst);
    }
}
