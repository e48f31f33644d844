package dev.perch.api;

import dev.perch.cluster.Accelerator;
import dev.perch.cluster.ClusterNode;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.RunningApp;
import dev.perch.controller.LiveRates;
import dev.perch.model.profile.SloStatistic;
import dev.perch.telemetry.Confidence;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.SloEvidence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the live view shows at one moment: every node and accelerator with its predicted
 * utilisation and the apps it serves, and every app with its SLO (bound, statistic and the window
 * it is judged over), learned rate, the predicted and
 * observed value of its SLO statistic, how sure the topology is of the rate and the prediction, and
 * whether the SLO is met — the cluster as it is, the numbers
 * as the topology last predicted them (null where nothing has been predicted yet). {@code totals}
 * counts the whole cluster and, when a {@link ClusterQuery} narrowed the lists, what matched it.
 */
public record ClusterPicture(long atMs, boolean leading, List<NodeView> nodes, List<AppView> apps, Totals totals) {
    /**
     * {@code appsAtRisk}: apps whose SLO is predicted unmet; {@code acceleratorsUnstable}: accelerators
     * the models call unstable; {@code matchingNodes}/{@code matchingApps}: how many match the query
     * before paging (all of them when there is none).
     */
    public record Totals(int nodes, int apps, int matchingNodes, int matchingApps, int appsAtRisk,
                         int acceleratorsUnstable) {
        static Totals of(List<NodeView> nodes, List<AppView> apps, int matchingNodes, int matchingApps) {
            int atRisk = 0;
            for (AppView app : apps) {
                if (Boolean.FALSE.equals(app.sloMet())) {
                    atRisk++;
                }
            }
            int unstable = 0;
            for (NodeView node : nodes) {
                for (AcceleratorView accelerator : node.accelerators()) {
                    if (Boolean.FALSE.equals(accelerator.stable())) {
                        unstable++;
                    }
                }
            }
            return new Totals(nodes.size(), apps.size(), matchingNodes, matchingApps, atRisk, unstable);
        }
    }

    public record NodeView(String node, double memoryMb, List<AcceleratorView> accelerators) {
    }

    /**
     * {@code apps}: the apps whose traffic it serves, then those moving to it; {@code held}: why it
     * takes no app now (a move to it was rolled back), or null.
     */
    public record AcceleratorView(String id, String type, Double utilization, Boolean stable, List<String> apps,
                                  List<String> arriving, String held) {
    }

    /**
     * {@code ratePerSecStdErr}: the learned rate's standard error; {@code predictedLow95Ms} and
     * {@code predictedHigh95Ms}: the 95 % interval of the predicted SLO statistic, from the learned
     * parameters' standard errors (none for a p50 SLO) — null while not estimable. {@code unplaced}:
     * why it runs nowhere, as the controller last decided (null when it runs somewhere, or undecided).
     */
    public record AppView(String app, String model, String accelerator, String migratingTo, double sloMs,
                          String sloStatistic, int sloWindowSec, double declaredRatePerSec, Double ratePerSec,
                          Double ratePerSecStdErr, Double predictedMs, Double predictedLow95Ms, Double predictedHigh95Ms,
                          Double observedMs, Boolean sloMet, String unplaced) {
    }

    static ClusterPicture of(ClusterSnapshot snapshot, LiveRates rates, boolean leading, Map<String, String> held,
                             Map<String, String> unplaced, long atMs) {
        // One pass over the apps, not one per accelerator: the page asks every second.
        Map<String, List<String>> serving = new HashMap<>();
        Map<String, List<String>> arriving = new HashMap<>();
        for (RunningApp app : snapshot.apps()) {
            app.accelerator().ifPresent(a -> serving.computeIfAbsent(a, k -> new ArrayList<>()).add(app.app()));
            app.migratingTo().ifPresent(a -> arriving.computeIfAbsent(a, k -> new ArrayList<>()).add(app.app()));
        }
        List<NodeView> nodes = new ArrayList<>();
        for (ClusterNode node : snapshot.nodes()) {
            List<AcceleratorView> accelerators = new ArrayList<>();
            for (Accelerator accelerator : node.accelerators()) {
                Optional<PredictionRecord> latest = rates.latestOn(accelerator.id());
                accelerators.add(new AcceleratorView(accelerator.id(), accelerator.type().id(),
                        latest.map(PredictionRecord::utilization).orElse(null), latest.map(PredictionRecord::stable).orElse(null),
                        serving.getOrDefault(accelerator.id(), List.of()), arriving.getOrDefault(accelerator.id(), List.of()),
                        held.get(accelerator.id())));
            }
            nodes.add(new NodeView(node.node(), node.memoryMb(), accelerators));
        }
        List<AppView> apps = snapshot.apps().stream().map(app -> appView(app, rates, unplaced)).toList();
        return new ClusterPicture(atMs, leading, nodes, apps, Totals.of(nodes, apps, nodes.size(), apps.size()));
    }

    private static AppView appView(RunningApp app, LiveRates rates, Map<String, String> unplaced) {
        SloStatistic statistic = app.spec().sloStatistic();
        Optional<PredictionRecord.AppPrediction> latest = rates.latest(app.app());
        Optional<Confidence.Interval> interval = latest.map(p -> SloEvidence.predictedInterval(p, statistic));
        return new AppView(app.app(), app.spec().model(), app.accelerator().orElse(null), app.migratingTo().orElse(null),
                app.spec().sloMs(), statistic.id(), app.spec().sloWindowSec(), app.spec().ratePerSec(),
                latest.map(PredictionRecord.AppPrediction::ratePerSec).orElse(null),
                latest.map(PredictionRecord.AppPrediction::confidence).map(Confidence::rate)
                        .map(Confidence.Rate::stdErrPerSec).orElse(null),
                latest.map(p -> SloEvidence.predicted(p, statistic)).orElse(null),
                interval.map(Confidence.Interval::low).orElse(null),
                interval.map(Confidence.Interval::high).orElse(null),
                latest.map(p -> SloEvidence.observed(p, statistic)).orElse(null),
                latest.map(PredictionRecord.AppPrediction::sloMet).orElse(null),
                app.accelerator().isPresent() ? null : unplaced.get(app.app()));
    }
}
