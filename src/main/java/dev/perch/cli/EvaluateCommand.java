package dev.perch.cli;

import dev.perch.cluster.PlanStep;
import dev.perch.controller.ControllerSettings;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.NodeSpec;
import dev.perch.model.profile.Scenario;
import dev.perch.placement.AppDemand;
import dev.perch.placement.ClusterModel;
import dev.perch.placement.Placement;
import dev.perch.placement.Device;
import dev.perch.placement.Host;
import dev.perch.placement.PlacementPolicy;
import dev.perch.placement.Strategies;
import dev.perch.placement.Strategy;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.Samples;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code evaluate}: offers a scenario's apps one at a time, in order, to each baseline — and runs
 * the controller itself for {@code perch} ({@link ControllerRun}), so that Perch's figures are those
 * of the code users run — and lets the discrete-event simulator — not the models — judge the placements: {@code appsViolating} with
 * everything placed, and the paper's measure {@code appsBeforeFirstViolation}, the apps placed before
 * the first placement after which the simulator sees any app violating.
 *
 * <p>The judge runs the placed apps for their longest SLO window and then {@link #MEASURE_SEC}
 * simulated seconds, judging each app every second over its own window once a full window has run
 * ({@code SloJudge}); an app violates when its window compliance — the share of its judged seconds
 * within the SLO — is under the policy's target, the promise Perch makes. {@code windowCompliance}
 * is that share over every placed app's judged seconds.
 */
public final class EvaluateCommand {
    static final double MEASURE_SEC = 600;

    private EvaluateCommand() {
    }

    public record StrategyResult(String name, int appsPlaced, int appsViolating, int appsBeforeFirstViolation,
                                 double windowCompliance, int acceleratorsUsed, int moves, double decisionMs) {
    }

    public record Report(String scenario, long seed, List<StrategyResult> strategies) {
    }

    /** Perch's name among the strategies: the controller itself ({@link ControllerRun}). */
    public static final String PERCH = "perch";

    /** Every strategy {@code evaluate} knows: the baselines, Perch, and the oracle. */
    public static List<String> strategyNames() {
        List<String> names = new ArrayList<>(Strategies.defaultNames());
        names.add(PERCH);
        Strategies.names().stream().filter(name -> !names.contains(name)).forEach(names::add);
        return names;
    }

    /** What {@code evaluate} compares by default: the baselines and Perch (not the oracle, for small instances only). */
    public static List<String> defaultStrategyNames() {
        List<String> names = new ArrayList<>(Strategies.defaultNames());
        names.add(PERCH);
        return names;
    }

    /** {@link #evaluate(Scenario, List, long, PlacementPolicy, Progress)} without a progress bar: for benches. */
    public static Report evaluate(Scenario scenario, List<String> strategies, long seed, PlacementPolicy policy) {
        return evaluate(scenario, strategies, seed, policy, Progress.NONE);
    }

    /**
     * @throws IllegalArgumentException (one line) when an app's model is {@code profiled: false}: every
     *                                  strategy plans from profiles, and {@code evaluate} has no telemetry to learn one from
     */
    public static Report evaluate(Scenario scenario, List<String> strategies, long seed, PlacementPolicy policy,
                                  Progress progress) {
        refuseUnprofiled(scenario);
        List<StrategyResult> results = new ArrayList<>();
        for (String name : strategies) {
            Placed placed;
            if (PERCH.equals(name)) {
                progress.update(name, "placing", 0, 1);
                ControllerRun.Result run = ControllerRun.run(scenario, seed, ControllerSettings.DEFAULT.withPlacement(policy));
                placed = new Placed(run.placement(), run.changes(), run.moves(), run.decisionNs());
            } else {
                placed = offerEach(scenario, Strategies.create(name, policy), progress);
            }
            results.add(judge(name, scenario, seed, placed, policy.windowCompliance(), progress));
        }
        progress.done();
        return new Report(scenario.name(), seed, results);
    }

    /**
     * Refuses a scenario with an app of a model Perch has no profile of: the strategies, Perch's
     * controller among them, plan from profiles, and a profile is learned from telemetry, which the
     * demo has and {@code evaluate} has not (its simulator only judges the plans).
     */
    static void refuseUnprofiled(Scenario scenario) {
        Set<String> models = scenario.unprofiledModelsInUse();
        if (!models.isEmpty()) {
            throw new IllegalArgumentException("evaluate plans from profiles only; " + (models.size() == 1 ? "model " : "models ")
                    + String.join(", ", models) + (models.size() == 1 ? " has" : " have") + " none (profiled: false) in scenario "
                    + scenario.name() + ": run it in demo");
        }
    }

    /**
     * Where a strategy put the apps: the final placement, one entry per app placed in order with
     * the moves made for it (what the judge replays), the moves, and the time spent deciding.
     */
    private record Placed(Map<String, String> placement, List<Map<String, String>> changes, int moves, long decisionNs) {
    }

    /** A baseline's placement: the scenario's apps offered one at a time, in order (or all at once to a batch strategy). */
    private static Placed offerEach(Scenario scenario, Strategy strategy, Progress progress) {
        Placement placement = Placement.of(initial(scenario));
        List<AppSpec> apps = scenario.apps();
        // One entry per placement: what it changed (the app, and any app moved to make room for it).
        List<Map<String, String>> changes = new ArrayList<>();
        int moves = 0;
        long decisionNs = 0;
        if (strategy instanceof Strategy.Online online) {
            for (int i = 0; i < apps.size(); i++) {
                progress.update(strategy.name(), "placing", i, apps.size());
                String app = apps.get(i).app();
                if (apps.get(i).runningOn() != null) {
                    continue;
                }
                long start = System.nanoTime();
                Strategy.Offer offer = online.offer(placement, app);
                decisionNs += System.nanoTime() - start;
                if (offer instanceof Strategy.Offer.Placed placed) {
                    moves += placed.moves();
                    Map<String, String> change = new LinkedHashMap<>();
                    change.put(app, placed.device());
                    placed.moved().forEach(moved -> change.put(moved, placement.deviceOf(moved).orElseThrow()));
                    changes.add(change);
                }
            }
        } else {
            progress.update(strategy.name(), "solving", 0, 1);
            long start = System.nanoTime();
            ((Strategy.Batch) strategy).placeAll(placement,
                    apps.stream().filter(a -> a.runningOn() == null).map(AppSpec::app).toList());
            decisionNs = System.nanoTime() - start;
            // The paper's measure for a plan made all at once: its apps added in the scenario's order.
            for (AppSpec app : apps) {
                if (app.runningOn() == null) {
                    placement.deviceOf(app.app()).ifPresent(device -> changes.add(Map.of(app.app(), device)));
                }
            }
        }
        return new Placed(placement.snapshot().assignment(), changes, moves, decisionNs);
    }

    /** The simulator's verdict on a strategy's placement. */
    private static StrategyResult judge(String name, Scenario scenario, long seed, Placed placed, double target,
                                        Progress progress) {
        Judge judge = new Judge(scenario, seed, target, placed.changes(), progress, name);
        Trial trial = trial(scenario, placed.placement(), seed, target);
        int alreadyRunning = placed.placement().size() - placed.changes().size();
        return new StrategyResult(name, placed.placement().size(), trial.appsViolating(),
                alreadyRunning + judge.appsBeforeFirstViolation(trial.appsViolating()),
                Samples.round(trial.windowCompliance()),
                new HashSet<>(placed.placement().values()).size(), placed.moves(),
                Samples.round(placed.decisionNs() / 1e6 / Math.max(1, scenario.apps().size())));
    }

    /**
     * Finds the paper's measure: the number of apps placed before the first placement after which the
     * simulator sees an app violating. Every placement is judged in turn up to {@link #LINEAR_LIMIT}
     * placements; beyond, a binary search over them (eleven simulations rather than a thousand), which
     * takes violations to stay once they appear — true of placements that only add load, and shown by
     * the linear judge on the shipped small scenarios.
     */
    private record Judge(Scenario scenario, long seed, double target, List<Map<String, String>> changes,
                         Progress progress, String strategy) {
        static final int LINEAR_LIMIT = 64;

        int appsBeforeFirstViolation(int violatingAtEnd) {
            int n = changes.size();
            if (n <= LINEAR_LIMIT) {
                for (int k = 1; k <= n; k++) {
                    progress.update(strategy, "judging", k, n);
                    if (trial(scenario, prefix(k), seed, target).appsViolating() > 0) {
                        return k - 1;
                    }
                }
                return n;
            }
            if (violatingAtEnd == 0) {
                return n;
            }
            int good = 0;  // prefix known clean
            int bad = n;   // prefix known violating
            int step = 0;
            int steps = 32 - Integer.numberOfLeadingZeros(n);
            while (bad - good > 1) {
                progress.update(strategy, "judging", ++step, steps);
                int mid = (good + bad) >>> 1;
                if (trial(scenario, prefix(mid), seed, target).appsViolating() > 0) {
                    bad = mid;
                } else {
                    good = mid;
                }
            }
            return bad - 1;
        }

        /** The placement after the first {@code k} placements (each adds one app; moves add none). */
        private Map<String, String> prefix(int k) {
            Map<String, String> placement = new LinkedHashMap<>();
            for (int i = 0; i < k; i++) {
                placement.putAll(changes.get(i));
            }
            return placement;
        }
    }

    /** The planner's picture of the scenario as it starts (apps {@code runningOn} an accelerator placed); declared rates. */
    static ClusterModel initial(Scenario scenario) {
        List<Host> hosts = new ArrayList<>();
        List<Device> devices = new ArrayList<>();
        for (NodeSpec node : scenario.nodes()) {
            hosts.add(new Host(node.node(), node.memoryMb(), node.frontendServiceMs()));
            List<String> ids = node.acceleratorIds();
            for (int i = 0; i < ids.size(); i++) {
                devices.add(new Device(ids.get(i), node.node(), node.acceleratorTypes().get(i)));
            }
        }
        Map<String, AppDemand> apps = new LinkedHashMap<>();
        for (AppSpec app : scenario.apps()) {
            Map<AcceleratorType, ModelProfile> profiles = new EnumMap<>(AcceleratorType.class);
            for (AcceleratorType type : scenario.catalog().typesFor(app.model())) {
                profiles.put(type, scenario.catalog().profile(app.model(), type).orElseThrow());
            }
            apps.put(app.app(), new AppDemand(app.app(), app.model(), app.ratePerSec(), app.sloMs(), app.sloStatistic(),
                    app.sloWindowSec(), profiles));
        }
        Map<String, String> running = new HashMap<>();
        for (AppSpec app : scenario.apps()) {
            if (app.runningOn() != null) {
                running.put(app.app(), app.runningOn());
            }
        }
        return new ClusterModel(scenario.networkMs(), hosts, devices, apps, running);
    }

    /** The simulator's verdict on a placement: apps under the compliance target, and the compliance of all. */
    record Trial(int appsViolating, double windowCompliance) {
    }

    /**
     * Runs a placement in the simulator for the placed apps' longest window and {@link #MEASURE_SEC}
     * more, and counts the placed apps whose window compliance is under {@code target}; an app judged
     * not once (it completed nothing) counts as violating.
     */
    static Trial trial(Scenario scenario, Map<String, String> placement, long seed, double target) {
        SimulatedCluster cluster = new SimulatedCluster(scenario, seed, 0, 0);
        for (Map.Entry<String, String> placed : placement.entrySet()) {
            String running = cluster.snapshot().app(placed.getKey()).flatMap(a -> a.accelerator()).orElse(null);
            cluster.apply(running == null || running.equals(placed.getValue())
                    ? new PlanStep.Place(placed.getKey(), placed.getValue())
                    : new PlanStep.Move(placed.getKey(), running, placed.getValue()));
        }
        int longestWindowSec = scenario.apps().stream().filter(a -> placement.containsKey(a.app()))
                .mapToInt(AppSpec::sloWindowSec).max().orElse(0);
        for (int s = 0; s < longestWindowSec + MEASURE_SEC; s++) {
            cluster.advanceWindow();
        }
        int violating = 0;
        long judged = 0;
        long over = 0;
        for (SimulatedCluster.AppVerdict verdict : cluster.verdicts()) {
            if (!placement.containsKey(verdict.app())) {
                continue;
            }
            if (verdict.judgedSeconds() == 0 || verdict.windowCompliance() < target) {
                violating++;
            }
            judged += verdict.judgedSeconds();
            over += verdict.violationSeconds();
        }
        return new Trial(violating, judged == 0 ? 1 : 1 - (double) over / judged);
    }
}
