package dev.perch.bench;

import dev.perch.model.profile.ScenarioReader;
import dev.perch.placement.ClusterModel;
import dev.perch.placement.MigrationPlan;
import dev.perch.placement.MigrationPlanner;
import dev.perch.placement.PerchStrategy;
import dev.perch.placement.Placement;
import dev.perch.placement.PlacementPolicy;
import dev.perch.placement.Strategy;

import java.util.Locale;
import java.util.Set;

/**
 * How many apps the controller's way of placing new apps ({@link MigrationPlanner#admit}: room made
 * only by moves that run one after the other without breaking an SLO) hosts, against
 * {@code evaluate}'s {@code perch} (which may also have two apps trade places), apps offered one at
 * a time in each scenario's order, by the models only (no simulation).
 *
 * <pre>mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.ControllerAdmission</pre>
 */
public final class ControllerAdmission {
    private static final int MOVE_BUDGET = 3; // the controller's, Reconciler.RELIEF_MOVE_BUDGET

    private ControllerAdmission() {
    }

    public static void main(String[] args) {
        Object[][] runs = {{"mixed", 30}, {"edgetpu-only", 10}, {"gpu-only", 10}, {"random", 20}, {"small", 220}};
        for (Object[] run : runs) {
            String scenario = (String) run[0];
            int seeds = (Integer) run[1];
            int[] perch = new int[2];
            int[] controller = new int[2];
            StringBuilder fewer = new StringBuilder();
            for (long seed = 1; seed <= seeds; seed++) {
                ClusterModel empty = dev.perch.cli.EvaluateCommandAccess.initial(ScenarioReader.load(scenario, seed));
                Placement placement = Placement.of(empty);
                PerchStrategy strategy = new PerchStrategy(PlacementPolicy.DEFAULT);
                MigrationPlanner planner = new MigrationPlanner(PlacementPolicy.DEFAULT, MOVE_BUDGET);
                ClusterModel cluster = empty;
                int placedBefore = controller[0];
                int perchBefore = perch[0];
                for (String app : empty.apps().keySet()) {
                    if (strategy.offer(placement, app) instanceof Strategy.Offer.Placed placed) {
                        perch[0]++;
                        perch[1] += placed.moves();
                    }
                    MigrationPlan plan = planner.admit(cluster, app, Set.of());
                    if (!plan.actions().isEmpty()) {
                        controller[0]++;
                        controller[1] += plan.actions().size() - 1;
                        Placement next = Placement.of(cluster);
                        plan.actions().forEach(action -> next.assign(action.app(), action.to()));
                        cluster = next.snapshot();
                    }
                }
                if (controller[0] - placedBefore != perch[0] - perchBefore) {
                    fewer.append(String.format(Locale.ROOT, " seed %d: %d against %d;", seed, controller[0] - placedBefore,
                            perch[0] - perchBefore));
                }
            }
            System.out.printf(Locale.ROOT, "%s, seeds 1-%d: evaluate's perch %d apps (%d moves), controller %d apps (%d moves)%s%n",
                    scenario, seeds, perch[0], perch[1], controller[0], controller[1],
                    fewer.length() == 0 ? "" : "; differing:" + fewer);
        }
    }
}
