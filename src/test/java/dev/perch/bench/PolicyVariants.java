package dev.perch.bench;

import dev.perch.cli.EvaluateCommand;
import dev.perch.controller.ControllerSettings;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.placement.PlacementPolicy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The placement policy's constants ({@link PlacementPolicy}), varied one at a time, measured through
 * the controller users run: for each variant and seed, {@code evaluate}'s {@code perch} —
 * {@code EvaluateCommand.evaluate(scenario, ["perch"], seed, policy)}, which runs the
 * {@code Reconciler} on the simulated cluster with {@code ControllerSettings.DEFAULT.withPlacement(policy)}
 * and has the simulator judge the result as {@code evaluate} does. Only the placement policy differs
 * from what {@code run}, {@code demo} and {@code evaluate} use.
 *
 * <pre>loadtests/policy-variants.sh mixed 1 10</pre>
 * or, with the test classpath in target/policy-variants.cp (the script writes it):
 * <pre>java -cp target/test-classes:target/classes:$(cat target/policy-variants.cp) \
 *     dev.perch.bench.PolicyVariants mixed 1 10 [VARIANT ...]</pre>
 * A variant is {@code default}, or {@code field=value[,field=value…]} over {@link PlacementPolicy}'s
 * components ({@code maxUtilization=0.85}, {@code windowCompliance=0.95}, {@code rateHeadroom=0},
 * {@code maxShareOfEdgeTpuLeft=1}, …), each from {@link PlacementPolicy#DEFAULT}. The controller's
 * settings refuse a policy tighter than consolidation packs (a window compliance over 0.999, a cap
 * under 0.6). Without variants: default, maxUtilization=0.85, windowCompliance=0.95, rateHeadroom=0.
 * ({@code RoomSearch.MAX_ROOM_COST} is a constant outside the policy, so it cannot be varied here.)
 *
 * <p>Prints, per seed, each variant's appsPlaced / appsViolating / appsBeforeFirstViolation (and the
 * time it took on stderr), then one row per variant: apps placed, apps over their SLO, and the seeds
 * with any app over its SLO.
 */
public final class PolicyVariants {
    static final List<String> DEFAULT_VARIANTS = List.of("default", "maxUtilization=0.85", "windowCompliance=0.95",
            "rateHeadroom=0");

    private PolicyVariants() {
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: PolicyVariants SCENARIO FIRST_SEED LAST_SEED [VARIANT ...]");
            System.exit(2);
        }
        String scenarioName = args[0];
        long first = Long.parseLong(args[1]);
        long last = Long.parseLong(args[2]);
        List<String> names = args.length > 3 ? List.of(args).subList(3, args.length) : DEFAULT_VARIANTS;
        Map<String, PlacementPolicy> variants = new LinkedHashMap<>();
        for (String name : names) {
            PlacementPolicy policy = policy(name);
            ControllerSettings.DEFAULT.withPlacement(policy); // fails now, not after hours, on a policy it refuses
            variants.put(name, policy);
        }

        Map<String, Totals> totals = new LinkedHashMap<>();
        variants.keySet().forEach(name -> totals.put(name, new Totals()));
        StringBuilder header = new StringBuilder("| seed |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String name : variants.keySet()) {
            header.append(' ').append(name).append(" |");
            rule.append("---|");
        }
        System.out.println("Scenario " + scenarioName + ", seeds " + first + "–" + last
                + "; each cell appsPlaced / appsViolating / appsBeforeFirstViolation of evaluate's perch.");
        System.out.println();
        System.out.println(header);
        System.out.println(rule);
        long startAll = System.nanoTime();
        for (long seed = first; seed <= last; seed++) {
            Scenario scenario = ScenarioReader.load(scenarioName, seed);
            StringBuilder row = new StringBuilder("| " + seed + " |");
            for (Map.Entry<String, PlacementPolicy> variant : variants.entrySet()) {
                long start = System.nanoTime();
                EvaluateCommand.StrategyResult perch = EvaluateCommand.evaluate(scenario, List.of(EvaluateCommand.PERCH),
                        seed, variant.getValue()).strategies().get(0);
                System.err.printf(Locale.ROOT, "%s seed %d %s: %d / %d / %d (%.1f s)%n", scenarioName, seed,
                        variant.getKey(), perch.appsPlaced(), perch.appsViolating(), perch.appsBeforeFirstViolation(),
                        (System.nanoTime() - start) / 1e9);
                totals.get(variant.getKey()).add(seed, perch);
                row.append(' ').append(perch.appsPlaced()).append(" / ").append(perch.appsViolating()).append(" / ")
                        .append(perch.appsBeforeFirstViolation()).append(" |");
            }
            System.out.println(row);
            System.out.flush();
        }
        System.out.println();
        System.out.println("| variant (from PlacementPolicy.DEFAULT) | apps placed | apps over their SLO"
                + " | seeds with any app over its SLO |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, Totals> variant : totals.entrySet()) {
            Totals t = variant.getValue();
            System.out.println("| " + variant.getKey() + " | " + String.format(Locale.ROOT, "%,d", t.placed) + " | "
                    + t.violating + " | " + (t.seedsOver.isEmpty() ? "none" : String.join(", ", t.seedsOver)) + " |");
        }
        System.err.printf(Locale.ROOT, "all: %.1f s%n", (System.nanoTime() - startAll) / 1e9);
    }

    /** {@code default}, or {@code field=value[,field=value…]} applied to {@link PlacementPolicy#DEFAULT}. */
    static PlacementPolicy policy(String variant) {
        PlacementPolicy p = PlacementPolicy.DEFAULT;
        if (variant.equals("default")) {
            return p;
        }
        double memoryShare = p.memoryShare();
        double maxUtilization = p.maxUtilization();
        double frontendMemoryMb = p.frontendMemoryMb();
        double frontendCv = p.frontendCv();
        double windowCompliance = p.windowCompliance();
        double percentileModelMargin = p.percentileModelMargin();
        double rateHeadroom = p.rateHeadroom();
        double maxShareOfEdgeTpuLeft = p.maxShareOfEdgeTpuLeft();
        for (String setting : variant.split(",")) {
            String[] kv = setting.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("a variant is 'default' or field=value[,field=value]: " + variant);
            }
            double value = Double.parseDouble(kv[1].strip());
            switch (kv[0].strip()) {
                case "memoryShare" -> memoryShare = value;
                case "maxUtilization" -> maxUtilization = value;
                case "frontendMemoryMb" -> frontendMemoryMb = value;
                case "frontendCv" -> frontendCv = value;
                case "windowCompliance" -> windowCompliance = value;
                case "percentileModelMargin" -> percentileModelMargin = value;
                case "rateHeadroom" -> rateHeadroom = value;
                case "maxShareOfEdgeTpuLeft" -> maxShareOfEdgeTpuLeft = value;
                default -> throw new IllegalArgumentException("no such PlacementPolicy component: " + kv[0]
                        + " (memoryShare, maxUtilization, frontendMemoryMb, frontendCv, windowCompliance, percentileModelMargin,"
                        + " rateHeadroom,"
                        + " maxShareOfEdgeTpuLeft)");
            }
        }
        return new PlacementPolicy(memoryShare, maxUtilization, frontendMemoryMb, frontendCv, windowCompliance,
                percentileModelMargin, rateHeadroom, maxShareOfEdgeTpuLeft);
    }

    private static final class Totals {
        int placed;
        int violating;
        final List<String> seedsOver = new ArrayList<>();

        void add(long seed, EvaluateCommand.StrategyResult perch) {
            placed += perch.appsPlaced();
            violating += perch.appsViolating();
            if (perch.appsViolating() > 0) {
                seedsOver.add(seed + " (" + perch.appsViolating() + ")");
            }
        }
    }
}
