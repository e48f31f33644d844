package dev.perch.placement;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The registry of the placement strategies Perch is compared with, by name; each is built from the
 * placement policy. Perch itself is not one of them: {@code evaluate} runs the controller users run
 * for it (the cli's {@code ControllerRun}), so there is no second copy of its decisions to measure.
 */
public final class Strategies {
    private static final Map<String, Function<PlacementPolicy, Strategy>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("knapsack-first", p -> new KnapsackStrategy(KnapsackStrategy.Fit.FIRST, p));
        REGISTRY.put("knapsack-best", p -> new KnapsackStrategy(KnapsackStrategy.Fit.BEST, p));
        REGISTRY.put("knapsack-worst", p -> new KnapsackStrategy(KnapsackStrategy.Fit.WORST, p));
        REGISTRY.put("ibis-bfs", p -> new IbisStrategy(true, p));
        REGISTRY.put("ibis-dfs", p -> new IbisStrategy(false, p));
        REGISTRY.put("oracle", OracleStrategy::new);
    }

    private Strategies() {
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** The baselines {@code evaluate} compares by default: every strategy but the oracle, which suits small instances only. */
    public static List<String> defaultNames() {
        return names().stream().filter(name -> !name.equals("oracle")).toList();
    }

    public static Strategy create(String name, PlacementPolicy policy) {
        Function<PlacementPolicy, Strategy> factory = REGISTRY.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown strategy '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return factory.apply(policy);
    }
}
