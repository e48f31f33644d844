package dev.perch.controller;

import dev.perch.cluster.AppReports;
import dev.perch.cluster.Approvals;
import dev.perch.cluster.ClusterActuator;
import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.RunningApp;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.SloStatistic;
import dev.perch.placement.DeviceEvaluator;
import dev.perch.placement.MigrationPlanner;
import dev.perch.placement.ProbationPlanner;
import dev.perch.placement.TargetSelector;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.SloEvidence;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The controller: one reconcile chain, {@link #pass}, that {@code run} and {@code demo} both call
 * (and {@code evaluate}'s {@code perch} runs against the simulator), and the topology's alerts,
 * answered as they arrive ({@link #onAlert}). Each step is a room of its own, owning its state:
 * <ol>
 *   <li>carry the moves under way one stage further (the actuator's business);</li>
 *   <li>tell the topology what the cluster is ({@link InventoryPublisher}), and owners whether Perch has
 *   telemetry for their apps ({@link TelemetrySilence});</li>
 *   <li>place the apps that run nowhere ({@link NewApps});</li>
 *   <li>answer apps still at risk ({@link AlertAnswers}, or the reactive baseline {@link ReactiveRule});</li>
 *   <li>free accelerators once load has dropped, when turned on ({@link Consolidator}).</li>
 * </ol>
 * Every decision reaches the cluster through the one {@link PlanExecutor} (guards, order, records).
 * The {@link Policy} chooses the steps when the controller is built, never inside one. Time comes
 * from the injected {@link Clock} (simulated time in the demo).
 */
public final class Reconciler {
    private static final Logger EVENTS = LoggerFactory.getLogger("perch.events");
    /** The longest an app waits before a decision that changed nothing is taken again. */
    public static final Duration LONGEST_BACKOFF = Duration.ofMillis(NewApps.MAX_RETRY_MS);
    /** How long a placed app may go without telemetry before its owner is told, unless configured. */
    public static final Duration DEFAULT_TELEMETRY_SILENCE = Duration.ofSeconds(60);

    /**
     * The most moves of other apps planned to relieve one accelerator for one alert, or to make room
     * for one new app. The guards still cap what is applied; what is left, the next decision plans
     * again from what then runs.
     */
    static final int RELIEF_MOVE_BUDGET = 3;

    private final ClusterReading reading;
    private final PlanExecutor executor;
    private final InventoryPublisher inventory;
    private final NewApps newApps;
    private final Probations probations;
    private final ProbationSteps probationSteps;
    private final AtRiskStep atRisk;
    private final Consolidator consolidator;
    private final TelemetrySilence silence;
    private final Clock clock;
    /** When this replica's controller was built, by its clock. */
    private final long startedMs;
    private volatile AppReports appReports = AppReports.NONE;
    /**
     * Held for each step, and in a pass over unplaced apps for one app at a time. Fair, so that an
     * alert waiting for it is answered before the pass goes on to its next app.
     */
    private final ReentrantLock lock = new ReentrantLock(true);
    /** The view's last answers, given again while a pass holds the lock. */
    private final AtomicReference<Map<String, String>> unplacedBeforePass = new AtomicReference<>(Map.of());
    private final AtomicReference<Map<String, String>> heldBeforePass = new AtomicReference<>(Map.of());
    /** False while another controller replica leads: then nothing is decided here. */
    private volatile boolean active = true;

    Reconciler(ReconcilerBuilder b) {
        this.clock = b.clock;
        this.startedMs = clock.millis();
        ControllerSettings settings = b.settings;
        Cooldown cooldown = new Cooldown(clock, settings.cooldown());
        StartedMoves startedMoves = new StartedMoves();
        this.probations = new Probations(b.catalog, b.probation);
        this.reading = new ClusterReading(b.view, probations, b.rates, clock, startedMoves, cooldown);
        // Dry-run is wired, not tested for: an actuator that records, and no approval to ask for.
        ClusterActuator actuator = settings.dryRun() ? new DryRunActuator(b.actuator) : b.actuator;
        Guards.Limits limits = settings.dryRun() ? new Guards.Limits(settings.guards().movesPerWindow(),
                settings.guards().movesPerNode(), settings.guards().inFlight(), settings.guards().window(), false)
                : settings.guards();
        Guards guards = new Guards(limits, b.approvals, clock);
        this.executor = new PlanExecutor(b.view, actuator, guards, cooldown, startedMoves, b.rates, b.outputs,
                () -> appReports, clock);
        this.inventory = new InventoryPublisher(b.outputs, executor, clock);
        TargetSelector selector = new TargetSelector(new DeviceEvaluator(settings.placement()));
        this.probationSteps = new ProbationSteps(reading, executor,
                new ProbationPlanner(settings.placement(), RELIEF_MOVE_BUDGET), b.learnedProfiles, () -> appReports,
                settings.dryRun());
        this.newApps = new NewApps(reading, executor, admission(settings), selector, guards, () -> appReports,
                probationSteps);
        this.atRisk = switch (settings.policy()) {
            case PERCH -> new AlertAnswers(reading, executor, selector,
                    new MigrationPlanner(settings.placement(), RELIEF_MOVE_BUDGET), guards);
            case REACTIVE -> new ReactiveRule(reading, executor, selector);
        };
        Consolidation consolidation = settings.policy() == Policy.PERCH ? settings.consolidation() : Consolidation.OFF;
        this.consolidator = new Consolidator(reading, executor, consolidation,
                new MigrationPlanner(consolidation.packing(settings.placement()), Consolidator.MOVE_BUDGET), startedMs);
        this.silence = new TelemetrySilence(b.telemetrySilence);
    }

    /** How new apps are admitted: Perch makes room and keeps Edge TPU time; the reactive baseline does neither. */
    private static MigrationPlanner admission(ControllerSettings settings) {
        return switch (settings.policy()) {
            case PERCH -> new MigrationPlanner(settings.placement(), RELIEF_MOVE_BUDGET);
            case REACTIVE -> new MigrationPlanner(settings.placement().withMaxShareOfEdgeTpuLeft(1), 0);
        };
    }

    /** A controller on these ports; everything else has a default ({@link ControllerSettings#DEFAULT}). */
    public static ReconcilerBuilder builder(ClusterView view, ClusterActuator actuator, Clock clock) {
        return new ReconcilerBuilder(view, actuator, clock);
    }

    /**
     * One reconcile pass, the same for {@code run}, {@code demo} and {@code evaluate}. The pass over
     * unplaced apps takes the lock one app at a time, so that an alert arriving during a long pass
     * (thousands of apps on a large cluster) waits for one app's decision, not for the pass.
     */
    public void pass() {
        boolean leading = whileLeading(() -> {
            executor.progressMoves().forEach(stage -> EVENTS.debug("move: {}", stage));
            executor.keepAsDeclared().forEach(change -> EVENTS.debug("declared: {}", change));
            ClusterSnapshot snapshot = reading.snapshot();
            inventory.publish(snapshot);
            tellReporting(snapshot);
            probationSteps.pass(snapshot);
        });
        if (leading) {
            placeUnplaced();
            whileLeading(atRisk::pass);
            whileLeading(consolidator::pass);
        }
    }

    /** Tells each placed app's owner whether Perch has telemetry for it, when that changes ({@link TelemetrySilence}). */
    private void tellReporting(ClusterSnapshot snapshot) {
        for (TelemetrySilence.Verdict verdict : silence.pass(snapshot, clock.millis())) {
            if (verdict.reporting()) {
                appReports.reporting(verdict.app(), verdict.message());
            } else {
                EVENTS.info("NO TELEMETRY {} — {}", verdict.app(), verdict.message());
                appReports.noTelemetry(verdict.app(), verdict.message());
            }
        }
    }

    /**
     * Step 3: every app that runs nowhere, decided on one at a time in the cluster's order, on one
     * working model of the cluster for the pass ({@link NewApps.Pass}). The lock is taken for each
     * app, so an alert waits for one decision; its answer changes the pass's model too.
     */
    void placeUnplaced() {
        Optional<NewApps.Pass> begun = whileLeading(newApps::beginPass);
        if (begun.isEmpty()) {
            return;
        }
        NewApps.Pass pass = begun.get();
        try {
            ClusterShape shape = pass.shape();
            for (RunningApp app : pass.first().apps()) {
                if (app.accelerator().isEmpty() && !app.moving()) {
                    ClusterShape before = shape;
                    Optional<ClusterShape> after = whileLeading(() -> newApps.decide(app, pass, before));
                    if (after.isEmpty()) {
                        return;
                    }
                    shape = after.get();
                }
            }
        } finally {
            read(() -> {
                newApps.endPass();
                return null;
            });
        }
    }

    /** Step 4 alone (tests drive the steps one by one). */
    void answerStillAtRisk() {
        whileLeading(atRisk::pass);
    }

    /** Step 5 alone. */
    void consolidate() {
        whileLeading(consolidator::pass);
    }

    /** Runs {@code step} under the lock if this replica leads; whether it did. */
    private boolean whileLeading(Runnable step) {
        return whileLeading(() -> {
            step.run();
            return Boolean.TRUE;
        }).isPresent();
    }

    /** What {@code step} returns, run under the lock if this replica leads; empty when it does not. */
    private <T> Optional<T> whileLeading(Supplier<T> step) {
        lock.lock();
        try {
            return active ? Optional.of(step.get()) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * An alert from the topology. Every replica keeps the alerts still open, leading or not; only a
     * current one is reported to the app's owner: the alerts a replica reads again at start-up (a
     * week of them) would each rewrite a status with news long past.
     */
    public void onAlert(AlertRecord alert) {
        lock.lock();
        try {
            boolean atRiskNow = AlertRecord.IMPENDING.equals(alert.kind()) || AlertRecord.VIOLATION.equals(alert.kind());
            if (active && atRiskNow && AlertAnswers.current(alert, clock.millis())) {
                appReports.atRisk(alert.app(), alert.forecastMs() != null ? alert.forecastMs() : alert.predictedMs(),
                        alert.observedMs(), alert.kind() + ": " + alert.reason());
            }
            atRisk.onAlert(alert, active);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reports each app of a prediction window as within its SLO when both the prediction and the
     * observation say so (an app is reported at risk by its alerts).
     */
    public void observe(PredictionRecord prediction) {
        silence.observe(prediction); // every replica, so that a new leader knows what was heard
        probations.observe(prediction);
        if (!active) {
            return;
        }
        for (PredictionRecord.AppPrediction app : prediction.apps()) {
            if (Boolean.TRUE.equals(app.sloMet()) && app.sloMs() != null && app.sloStatistic() != null) {
                SloStatistic statistic = SloStatistic.parse(app.sloStatistic());
                appReports.met(app.app(), SloEvidence.predicted(app, statistic),
                        SloEvidence.observed(app, statistic));
            }
        }
    }

    /** Where decisions and SLO reports go for the apps' owners (Events and status on Kubernetes); none by default. */
    public void reportTo(AppReports reports) {
        this.appReports = reports;
    }

    /** Whether this replica decides (it leads), or only watches. Taking over answers the alerts still open. */
    public void setActive(boolean active) {
        lock.lock();
        try {
            boolean takingOver = active && !this.active;
            this.active = active;
            if (!active) {
                probations.forget(); // derived again from the cluster by whichever replica leads
            }
            if (takingOver) {
                inventory.forget();
                silence.forget();
                atRisk.takeOver();
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean active() {
        return active;
    }

    /**
     * Whether an alert was raised before this replica started (its window ended over a minute before):
     * read again at start-up to learn which alerts are still open, it is no news to count or log.
     */
    public boolean raisedBeforeStart(AlertRecord alert) {
        return startedMs - alert.windowEndMs() > AlertAnswers.STALE_ALERT_MS;
    }

    /** The accelerators apps learn their models' profiles on alone, each with why it takes no other app ({@link Probations}). */
    public Map<String, String> probationAccelerators() {
        return read(probations::closed);
    }

    public long decisions() {
        return read(executor::decisions);
    }

    /**
     * Why each app this controller left unplaced runs nowhere ({@link NewApps#unplacedApps}); while a
     * pass runs, as it was before the pass.
     */
    public Map<String, String> unplacedApps() {
        return readForView(newApps::unplacedApps, unplacedBeforePass);
    }

    /**
     * The accelerators that take no app now because a move to them failed (rolled back) within
     * {@link StartedMoves#HOLD}, each with why — as this replica knows them (the moves it started);
     * while a pass runs, as they were before the pass.
     */
    public Map<String, String> heldAccelerators() {
        return readForView(() -> reading.startedMoves().closedTargets(clock.millis()), heldBeforePass);
    }

    /**
     * {@code what} now, or its last answer while a pass holds the lock: the live view and the metrics
     * scrape ask every second, and a pass over thousands of apps takes seconds.
     */
    private <T> T readForView(Supplier<T> what, AtomicReference<T> last) {
        if (!lock.tryLock()) {
            return last.get();
        }
        try {
            T now = what.get();
            last.set(now);
            return now;
        } finally {
            lock.unlock();
        }
    }

    private <T> T read(Supplier<T> what) {
        lock.lock();
        try {
            return what.get();
        } finally {
            lock.unlock();
        }
    }
}
