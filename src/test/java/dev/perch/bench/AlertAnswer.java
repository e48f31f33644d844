package dev.perch.bench;

import dev.perch.cluster.RunningApp;
import dev.perch.controller.LiveRates;
import dev.perch.controller.Reconciler;
import dev.perch.controller.RecordingOutputs;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.DecisionRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How long the controller takes to answer an alert on a full large cluster: {@code mixed-1000}
 * (10,000 apps, 1,000 accelerators) on the simulated cluster, filled by the controller's first
 * pass; 31 simulated seconds later (past every app's cooldown), {@code N} impending alerts, each
 * about one app on a different accelerator (the first app of each busy accelerator, in the
 * cluster's order), are handed one after the other to {@link Reconciler#onAlert} — the path an
 * alert from the alerts topic takes in {@code run} and {@code demo} — and each call is timed
 * (wall clock, {@code System.nanoTime}, this thread): reading the cluster, the models, the choice
 * of a target or of apps to move off, the guards, the actuator's step on the simulator and the
 * decision's record. The simulated time does not move between alerts: the moves started stay
 * under way, so later alerts see a cluster in motion, as a burst of alerts would. Prints a line
 * for people, then one JSON line last:
 * {@code {"apps":…,"alerts":N,"p50Ms":…,"p99Ms":…,"maxMs":…,"moves":…,"declined":…}}.
 *
 * <pre>mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.AlertAnswer -Dbench=500</pre>
 * ({@code -Dbench} is {@code N}, at most the number of busy accelerators.)
 */
public final class AlertAnswer {
    private AlertAnswer() {
    }

    public static void main(String[] args) {
        int wanted = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        Scenario scenario = ScenarioReader.load("mixed-1000", 1);
        SimulatedCluster cluster = new SimulatedCluster(scenario, 1, 1_000_000L, 2000);
        List<DecisionRecord> decisions = new ArrayList<>();
        Reconciler reconciler = Reconciler.builder(cluster, cluster, new SimClock(cluster::nowEpochMs))
                .catalog(scenario.catalog()).rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(decisions)).build();
        reconciler.pass();
        for (int s = 0; s < 31; s++) {
            cluster.advanceWindow();
        }
        List<RunningApp> atRisk = new ArrayList<>();
        Set<String> accelerators = new HashSet<>();
        for (RunningApp app : cluster.snapshot().apps()) {
            if (app.accelerator().isPresent() && !app.moving() && accelerators.add(app.accelerator().get())
                    && atRisk.size() < wanted) {
                atRisk.add(app);
            }
        }
        int before = decisions.size();
        double[] ms = new double[atRisk.size()];
        double[] cpuMs = new double[atRisk.size()];
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < atRisk.size(); i++) {
            RunningApp app = atRisk.get(i);
            String accelerator = app.accelerator().orElseThrow();
            AlertRecord alert = new AlertRecord(AlertRecord.SCHEMA, app.app() + ":impending", AlertRecord.IMPENDING, app.app(),
                    accelerator, accelerator.substring(0, accelerator.indexOf('/')), app.spec().sloMs(), "mean",
                    1.2 * app.spec().sloMs(), null, null, 0.9 * app.spec().sloMs(), cluster.nowEpochMs(), "bench");
            long start = System.nanoTime();
            long cpuStart = threads.getCurrentThreadCpuTime();
            reconciler.onAlert(alert);
            ms[i] = (System.nanoTime() - start) / 1e6;
            cpuMs[i] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6;
        }
        List<DecisionRecord> answers = decisions.subList(before, decisions.size());
        long moves = answers.stream().filter(d -> d.action().equals("move") && d.result() != null).count();
        long declined = answers.stream().filter(d -> d.action().equals("none")).count();
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double p50 = quantile(sorted, 0.50);
        double p99 = quantile(sorted, 0.99);
        double max = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
        Arrays.sort(cpuMs);
        System.out.printf(Locale.ROOT, "%d apps (%d placed) on %d accelerators: %d alerts answered (%d decisions: %d moves applied,"
                        + " %d declined): p50 %.2f ms, p99 %.2f ms, max %.2f ms (CPU time of this thread: p50 %.2f ms, p99 %.2f ms)%n",
                scenario.apps().size(),
                cluster.snapshot().apps().stream().filter(a -> a.accelerator().isPresent()).count(),
                cluster.snapshot().accelerators().size(), ms.length, answers.size(), moves, declined, p50, p99, max,
                quantile(cpuMs, 0.5), quantile(cpuMs, 0.99));
        System.out.printf(Locale.ROOT, "{\"apps\":%d,\"alerts\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"maxMs\":%.3f,\"moves\":%d,\"declined\":%d}%n",
                scenario.apps().size(), ms.length, p50, p99, max, moves, declined);
    }

    /** The nearest-rank quantile of sorted values. */
    private static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
