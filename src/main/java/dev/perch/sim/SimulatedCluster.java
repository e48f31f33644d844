package dev.perch.sim;

import dev.perch.cluster.ActuationException;
import dev.perch.cluster.AppTelemetry;
import dev.perch.cluster.ApplyResult;
import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.ClusterNode;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.PlanStep;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.NodeSpec;
import dev.perch.model.profile.Scenario;
import dev.perch.telemetry.TelemetryReport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A simulated edge cluster that executes every request: Poisson arrivals at each app's scenario rate,
 * a fixed network time, the app's own CPU front end, then its accelerator (Edge TPU: FCFS with swaps;
 * GPU and CPU: processor sharing), with service times drawn from the recorded spread
 * ({@link ServiceSpread}). It publishes one telemetry report per app per accelerator per second of
 * simulated time, applies placement changes (a move takes {@code moveMs} before traffic switches),
 * and is the judge of SLO violations over each app's own window ({@link SloJudge}).
 *
 * <p>It knows nothing of Perch's models: it is the independent check of their predictions, and runs
 * the models Perch has no profile of ({@code profiled: false}) by their figures. Thread-safe: the driver advances it while the controller applies steps.
 */
public final class SimulatedCluster implements ClusterView, ClusterActuator {
    /** Telemetry window and judging period. */
    public static final long WINDOW_MS = 1000;

    private final Scenario scenario;
    private List<ClusterNode> nodes;
    /** Changes with every change a snapshot would show (written under the lock, read without it). */
    private volatile long version;
    private volatile Published published;
    private final long epochMs;
    private final double moveMs;
    private final ServiceSpread spread = ServiceSpread.recorded();
    private final EventQueue events = new EventQueue();
    private final Map<String, SimAccelerator> accelerators = new LinkedHashMap<>();
    private final Map<String, AppState> apps = new LinkedHashMap<>();
    private long windowStartMs;
    /** {@code windowStartMs}, the simulated time between windows, for lock-free clock reads. */
    private volatile long clockMs;
    /** Each node's front-end service time, by node name: looked up for every request. */
    private final Map<String, Double> frontendMsByNode = new HashMap<>();
    private long telemetryRecords;
    private final List<CompletionListener> listeners = new ArrayList<>();
    /** The simulated Triton servers' port once telemetry travels through Perch's node agents; null before. */
    private Integer tritonPort;

    /**
     * Sees every completed request: for checks that need more than the per-window telemetry, and for
     * the simulated inference servers. Called on the simulator's thread while it holds its lock, in
     * completion order: it must be quick and must not call back into the cluster.
     */
    public interface CompletionListener {
        void completed(Completion completion);
    }

    private final class AppState {
        final AppSpec spec;
        final SplittableRandom random;
        final FrontEnd frontEnd;
        final SloJudge judge;
        final LinkedHashSet<Request> pending = new LinkedHashSet<>();
        final Map<String, WindowStats> windows = new LinkedHashMap<>();
        String accelerator;
        String migratingTo;
        boolean arrivalsScheduled;

        AppState(AppSpec spec, SplittableRandom random) {
            this.spec = spec;
            this.random = random;
            this.frontEnd = new FrontEnd(events, (request, at) -> toAccelerator(this, request, at));
            this.judge = new SloJudge(spec);
        }
    }

    /**
     * @param epochMs wall-clock time (ms since the epoch) that simulated time 0 stands for
     * @param moveMs  how long a move takes before the app's traffic switches to its new accelerator
     */
    public SimulatedCluster(Scenario scenario, long seed, long epochMs, double moveMs) {
        this.scenario = scenario;
        this.epochMs = epochMs;
        this.moveMs = moveMs;
        SplittableRandom seeds = new SplittableRandom(seed);
        for (NodeSpec node : scenario.nodes()) {
            frontendMsByNode.putIfAbsent(node.node(), node.frontendServiceMs()); // the first node of a name, as before
            List<String> ids = node.acceleratorIds();
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                SimAccelerator accelerator = switch (node.acceleratorTypes().get(i)) {
                    case EDGETPU -> new FcfsAccelerator(id, node.node(), events, this::completed);
                    case GPU, CPU -> new SharedAccelerator(id, node.node(), node.acceleratorTypes().get(i), events,
                            this::completed);
                };
                accelerators.put(id, accelerator);
            }
        }
        for (AppSpec spec : scenario.apps()) {
            apps.put(spec.app(), new AppState(spec, seeds.split()));
        }
        for (AppSpec spec : scenario.apps()) {
            if (spec.runningOn() != null) {
                apply(new PlanStep.Place(spec.app(), spec.runningOn()));
            }
        }
    }

    /** Adds a listener; it sees the requests that complete from now on. */
    public synchronized void addCompletionListener(CompletionListener listener) {
        listeners.add(listener);
    }

    /**
     * From now on the snapshot says how Perch's node agents carry each app's telemetry, as the
     * simulated inference servers do it: an app served by an Edge TPU pushes its requests to the
     * agent on its node ({@link SimulatedPushers}); one served by a GPU or CPU runs a Triton pod
     * whose metrics page the agent scrapes ({@link SimulatedTriton}, listening on {@code tritonPort}).
     */
    public synchronized void reportThroughAgents(int tritonPort) {
        this.tritonPort = tritonPort;
        version++;
    }

    public Scenario scenario() {
        return scenario;
    }

    /**
     * Simulated time as wall-clock milliseconds since the epoch: the end of the last window run (the
     * time outside a window). Lock-free, so that the controller's clock does not wait for a window
     * the simulator is running on another thread.
     */
    public long nowEpochMs() {
        return epochMs + clockMs;
    }

    /** Simulated seconds run: the end of the last window. Lock-free, as {@link #nowEpochMs}. */
    public double nowSec() {
        return clockMs / 1000.0;
    }

    public long epochMs() {
        return epochMs;
    }

    /**
     * Runs the next telemetry window of simulated time, judges every app's SLO at its end, and
     * returns that window's telemetry reports.
     */
    public synchronized List<TelemetryReport> advanceWindow() {
        long endMs = windowStartMs + WINDOW_MS;
        events.runUntil(endMs);
        List<TelemetryReport> reports = new ArrayList<>();
        for (AppState app : apps.values()) {
            if (app.accelerator != null) {
                app.windows.computeIfAbsent(app.accelerator, a -> new WindowStats());
            }
            for (Map.Entry<String, WindowStats> entry : app.windows.entrySet()) {
                SimAccelerator accelerator = accelerators.get(entry.getKey());
                reports.add(entry.getValue().report(accelerator, app.spec, scenario, epochMs + windowStartMs,
                        epochMs + endMs));
            }
            app.windows.clear();
            app.judge.judge(endMs, app.pending.stream().map(r -> r.arrivalMs).toList());
        }
        windowStartMs = endMs;
        clockMs = endMs;
        telemetryRecords += reports.size();
        return reports;
    }

    private record Published(long version, ClusterSnapshot snapshot) {
    }

    /**
     * The cluster as it is: while the version stays, the last snapshot is still true and is answered
     * without the lock, so that no reader waits for a window of thousands of apps' requests to run.
     */
    @Override
    public ClusterSnapshot snapshot() {
        Published latest = published;
        if (latest != null && latest.version() == version) {
            return latest.snapshot();
        }
        synchronized (this) {
            if (nodes == null) { // the simulated cluster's nodes never change
                nodes = SimulatedNodes.of(scenario);
            }
            List<RunningApp> running = apps.values().stream().map(this::running).toList();
            ClusterSnapshot snapshot = new ClusterSnapshot(scenario.networkMs(), nodes, running);
            published = new Published(version, snapshot);
            return snapshot;
        }
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public synchronized Optional<RunningApp> app(String app) {
        return Optional.ofNullable(apps.get(app)).map(this::running);
    }

    private RunningApp running(AppState a) {
        return new RunningApp(a.spec, Optional.ofNullable(a.accelerator), Optional.ofNullable(a.migratingTo),
                Optional.ofNullable(a.accelerator), telemetry(a));
    }

    private Optional<AppTelemetry> telemetry(AppState app) {
        if (tritonPort == null || app.accelerator == null) {
            return Optional.empty();
        }
        SimAccelerator serving = accelerators.get(app.accelerator);
        if (serving.type == AcceleratorType.EDGETPU) {
            return Optional.of(new AppTelemetry.Push());
        }
        // During a move only the source, which serves the traffic, has a pod IP. The controller's
        // record of the app already names the target, but the target's pod gets its IP only when
        // traffic switches (one simulated Triton page per app, fed by whichever accelerator serves
        // it), so the target node's agent waits until then, as it would for a real pod still starting.
        return Optional.of(new AppTelemetry.Scrape("triton", tritonPort, "/" + app.spec.app() + "/metrics",
                app.spec.model(), Map.of(app.accelerator, "127.0.0.1")));
    }

    @Override
    public synchronized ApplyResult apply(PlanStep step) {
        AppState app = apps.get(step.app());
        if (app == null) {
            throw new ActuationException("unknown app " + step.app());
        }
        if (step instanceof PlanStep.Place place) {
            requireRunnable(app, place.accelerator());
            if (place.accelerator().equals(app.accelerator)) {
                return new ApplyResult.Unchanged(app.spec.app() + " already runs on " + place.accelerator());
            }
            if (app.accelerator != null) {
                throw new ActuationException(app.spec.app() + " already runs on " + app.accelerator + "; move it instead");
            }
            app.accelerator = place.accelerator();
            version++;
            app.judge.startedOn(events.nowMs());
            if (!app.arrivalsScheduled) {
                app.arrivalsScheduled = true;
                scheduleNextArrival(app, events.nowMs());
            }
            return new ApplyResult.Created(app.spec.app() + " started on " + place.accelerator());
        }
        if (step instanceof PlanStep.Move move) {
            requireRunnable(app, move.to());
            if (!move.from().equals(app.accelerator)) {
                throw new ActuationException("stale plan: " + app.spec.app() + " runs on " + app.accelerator
                        + ", not " + move.from());
            }
            if (move.to().equals(app.accelerator)) {
                return new ApplyResult.Unchanged(app.spec.app() + " already runs on " + move.to());
            }
            if (app.migratingTo != null) {
                throw new ActuationException(app.spec.app() + " is already moving to " + app.migratingTo);
            }
            app.migratingTo = move.to();
            version++;
            double switchAt = events.nowMs() + moveMs;
            events.schedule(switchAt, () -> {
                app.accelerator = app.migratingTo;
                app.migratingTo = null;
                version++;
                app.judge.startedOn(events.nowMs());
            });
            return new ApplyResult.Patched(String.format(Locale.ROOT, "%s starting on %s; traffic switches from %s at t=%.1fs",
                    app.spec.app(), move.to(), move.from(), switchAt / 1000));
        }
        PlanStep.Remove remove = (PlanStep.Remove) step;
        if (app.accelerator == null) {
            return new ApplyResult.Unchanged(remove.app() + " is not running");
        }
        app.accelerator = null;
        app.migratingTo = null;
        version++;
        app.judge.stopped();
        return new ApplyResult.Deleted(remove.app() + " stopped");
    }

    private void requireRunnable(AppState app, String acceleratorId) {
        SimAccelerator accelerator = accelerators.get(acceleratorId);
        if (accelerator == null) {
            throw new ActuationException("unknown accelerator " + acceleratorId);
        }
        if (scenario.simulatorProfile(app.spec.model(), accelerator.type).isEmpty()) {
            throw new ActuationException(app.spec.model() + " cannot run on " + accelerator.type + " (" + acceleratorId + ")");
        }
    }

    private void scheduleNextArrival(AppState app, double fromMs) {
        // Piecewise-constant rate on a 100 ms grid: draw an exponential gap at the current rate; if it
        // ends past the grid step, memorylessness lets us draw afresh there at the rate then.
        double rate = app.spec.rateAt(fromMs / 1000.0);
        double stepEndMs = (Math.floor(fromMs / 100.0) + 1) * 100.0;
        double gapMs = rate > 0 ? -Math.log(1 - app.random.nextDouble()) / rate * 1000.0 : Double.POSITIVE_INFINITY;
        if (fromMs + gapMs >= stepEndMs) {
            events.schedule(stepEndMs, () -> scheduleNextArrival(app, stepEndMs));
            return;
        }
        double atMs = fromMs + gapMs;
        events.schedule(atMs, () -> {
            if (app.accelerator != null) {
                Request request = new Request(app.spec.app(), app.spec.model(), atMs);
                app.pending.add(request);
                events.schedule(atMs + scenario.networkMs(), () -> toFrontEnd(app, request, atMs + scenario.networkMs()));
            }
            scheduleNextArrival(app, atMs);
        });
    }

    private void toFrontEnd(AppState app, Request request, double nowMs) {
        double frontendMs = frontendServiceMs(app);
        if (frontendMs <= 0) {
            toAccelerator(app, request, nowMs);
            return;
        }
        app.frontEnd.submit(request, nowMs, frontendMs * spread.draw(frontendMs, false, app.random));
    }

    private double frontendServiceMs(AppState app) {
        if (app.accelerator == null) {
            return 0;
        }
        return frontendMsByNode.getOrDefault(accelerators.get(app.accelerator).node, 0.0);
    }

    private void toAccelerator(AppState app, Request request, double nowMs) {
        if (app.accelerator == null) {
            app.pending.remove(request); // the app was stopped while the request was on its way
            return;
        }
        SimAccelerator accelerator = accelerators.get(app.accelerator);
        ModelProfile profile = scenario.simulatorProfile(app.spec.model(), accelerator.type).orElseThrow();
        double plainMs = profile.serviceMs() * spread.draw(profile.serviceMs(), false, app.random);
        double swappedTotal = profile.serviceMs() + profile.swapMs();
        double swappedMs = swappedTotal * spread.draw(profile.serviceMs(), true, app.random);
        accelerator.submit(request, nowMs, plainMs, swappedMs);
    }

    private void completed(Request request, double completionMs) {
        AppState app = apps.get(request.app);
        app.pending.remove(request);
        app.windows.computeIfAbsent(request.accelerator, a -> new WindowStats()).add(request, completionMs);
        app.judge.completed(completionMs, completionMs - request.arrivalMs);
        if (!listeners.isEmpty()) {
            SimAccelerator served = accelerators.get(request.accelerator);
            Completion completion = new Completion(request.app, request.model, served.node, served.id, served.type,
                    epochMs + request.arrivalMs, epochMs + request.serviceStartMs, epochMs + completionMs,
                    request.serviceMs, WindowStats.queueMs(request, completionMs), request.swapped);
            for (CompletionListener listener : listeners) {
                listener.completed(completion);
            }
        }
    }

    /** What the judge saw, per app, so far. */
    public synchronized List<AppVerdict> verdicts() {
        return apps.values().stream().map(a -> new AppVerdict(a.spec.app(), a.judge.inViolation(),
                a.judge.judgedSeconds(), a.judge.violationSeconds(), a.judge.firstViolationSec())).toList();
    }

    public synchronized long telemetryRecords() {
        return telemetryRecords;
    }

    /**
     * The judge's view of one app: in violation now, the seconds judged so far (each with a full
     * window on the app's current accelerator behind it), those over the SLO, and the first of them
     * (simulated seconds).
     */
    public record AppVerdict(String app, boolean inViolation, long judgedSeconds, long violationSeconds,
                             Double firstViolationSec) {
        /** The share of judged seconds within the SLO: 1 − violationSeconds / judgedSeconds (1 when none was judged). */
        public double windowCompliance() {
            return judgedSeconds == 0 ? 1 : 1 - (double) violationSeconds / judgedSeconds;
        }
    }
}
