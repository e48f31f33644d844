package dev.perch.bench;

import dev.perch.controller.LiveRates;
import dev.perch.controller.Reconciler;
import dev.perch.controller.RecordingOutputs;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.sim.SimClock;
import dev.perch.sim.SimulatedCluster;
import dev.perch.telemetry.DecisionRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the controller's pass over unplaced apps ({@link Reconciler#pass}, its step over unplaced apps) costs on a large
 * cluster: the first {@code N} apps of {@code mixed-1000} (1,000 accelerators), none placed, on the
 * simulated cluster; one pass places them one at a time (on one working model of the cluster,
 * changed in place after each decision), then a second pass decides again on every app the first
 * could not place (the cluster changed, so none waits out a backoff). Wall clock, this process,
 * the first pass after nothing else (no warm-up: a controller's first pass is cold too). (The
 * pass takes the Reconciler's lock one app at a time, so alerts are answered in between.) Prints
 * a line for people, then one JSON line last:
 * {@code {"apps":N,"firstPassSec":…,"placed":…,"secondPassSec":…}}.
 *
 * <pre>mvn -B -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.ControllerPass -Dbench=10000</pre>
 * ({@code -Dbench} is {@code N}, at most 10,000.)
 */
public final class ControllerPass {
    private ControllerPass() {
    }

    public static void main(String[] args) {
        Scenario full = ScenarioReader.load("mixed-1000", 1);
        int apps = Math.min(args.length > 0 ? Integer.parseInt(args[0]) : 10_000, full.apps().size());
        Scenario scenario = new Scenario(full.name(), full.networkMs(), full.nodes(), full.catalog(),
                full.apps().subList(0, apps), full.lengthSec());
        SimulatedCluster cluster = new SimulatedCluster(scenario, 1, 1_000_000L, 2000);
        List<DecisionRecord> decisions = new ArrayList<>();
        Reconciler reconciler = Reconciler.builder(cluster, cluster, new SimClock(cluster::nowEpochMs))
                .catalog(scenario.catalog()).rates(new LiveRates()).outputs(RecordingOutputs.decisionsInto(decisions)).build();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        reconciler.pass();
        double firstSec = (System.nanoTime() - start) / 1e9;
        double firstCpuSec = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        long placed = decisions.stream().filter(d -> d.action().equals("place")).count();
        int firstDecisions = decisions.size();
        start = System.nanoTime();
        reconciler.pass();
        double secondSec = (System.nanoTime() - start) / 1e9;
        int secondDecisions = decisions.size() - firstDecisions;
        System.out.printf(Locale.ROOT, "%d apps on %d accelerators: first pass %.1f s (%.1f s of CPU on its thread; %d decisions, %d placed, %.2f ms each);"
                        + " second pass %.1f s (%d decisions%s)%n", apps, cluster.snapshot().accelerators().size(),
                firstSec, firstCpuSec, firstDecisions, placed, 1000 * firstSec / firstDecisions, secondSec, secondDecisions,
                secondDecisions == 0 ? "" : String.format(Locale.ROOT, ", %.2f ms each", 1000 * secondSec / secondDecisions));
        System.out.printf(Locale.ROOT, "{\"apps\":%d,\"firstPassSec\":%.3f,\"placed\":%d,\"secondPassSec\":%.3f}%n",
                apps, firstSec, placed, secondSec);
    }
}
