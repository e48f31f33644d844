package dev.perch.runtime;

import dev.perch.cluster.LearnedProfiles;
import dev.perch.controller.AlertTally;
import dev.perch.controller.InboxProgress;
import dev.perch.controller.Reconciler;
import dev.perch.sim.SimulatedCluster;
import dev.perch.streams.PerchTopology;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.Samples;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code demo}: runs the controller's pass ({@link Reconciler#pass}, as {@code run} does) once
 * before the first window, then advances the simulator one telemetry window at a time — publishing
 * each window's reports to {@code perch.telemetry.v1} — until the scenario ends, the wall-clock limit
 * passes or the application is asked to stop. In lock-step with the pipeline ({@code --speed max}) a
 * pass follows each window on the same thread; at real time or a multiple of it the simulated cluster
 * keeps its own pace and the passes run on their own thread ({@link ControllerLoop}), as a real
 * cluster runs apart from its controller.
 */
@ApplicationScoped
public class DemoDriver {
    private static final Logger LOG = Logger.getLogger(DemoDriver.class);
    private static final long DRAIN_TIMEOUT_MS = 60_000;
    /** {@code perch.telemetry.via} for telemetry through the node agents. */
    public static final String AGENT = "agent";
    /** One agent per simulated node runs in the demo's process: a few threads, a producer and a consumer each. */
    public static final int AGENT_DEMO_MAX_NODES = 20;
    /** Time for the agents to bind their ports and start following before simulated time 0. */
    private static final long AGENTS_START_MS = 2_000;

    @Inject
    SimulatedCluster cluster;
    @Inject
    Reconciler reconciler;
    @Inject
    InboxProgress progress;
    @Inject
    AlertTally tally;
    @Inject
    KafkaStreams streams;
    @Inject
    PerchConfig config;
    @Inject
    MeterRegistry metrics;
    @Inject
    RecordSender outputs;
    /** The demo's are {@link LearnedProfiles.InMemory}, which the summary reads the learned profiles from. */
    @Inject
    Instance<LearnedProfiles> learnedProfiles;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;
    @ConfigProperty(name = "quarkus.kafka-streams.application-id")
    String streamsApplicationId;

    private volatile boolean stopRequested;
    private final CountDownLatch finished = new CountDownLatch(1);
    /** Whether {@link #run()} began: in {@code replay} and {@code run} it never does, and shutdown has nothing to wait for. */
    private volatile boolean started;

    public DemoSummary run() throws InterruptedException {
        started = true;
        boolean viaAgents = AGENT.equals(config.telemetry().via());
        DemoAgents agents = null;
        KafkaClientSecurity security = KafkaClientSecurity.from(kafka);
        try (KafkaProducer<String, byte[]> producer = Pipeline.telemetryProducer(bootstrapServers, security, "perch-sim-telemetry", 5, Map.of());
             Admin admin = Admin.create(security.clientSettings(bootstrapServers));
             TelemetryLag lag = new TelemetryLag(admin, streamsApplicationId)) {
            Speed speed = Speed.parse(config.speed());
            if (viaAgents) {
                requireAgentsCanRun(config.speed(), cluster.scenario().nodes().size());
            }
            Pipeline.awaitRunning(streams);
            long wallStartNs = System.nanoTime();
            if (viaAgents) {
                // Simulated time 0 a moment from now, so that every agent's first window is the first simulated second.
                long startsAtNs = wallStartNs + AGENTS_START_MS * 1_000_000;
                agents = DemoAgents.start(cluster, bootstrapServers, security,
                        () -> cluster.epochMs() + Math.floorDiv(System.nanoTime() - startsAtNs, 1_000_000));
                wallStartNs = startsAtNs;
            }
            pass();
            if (viaAgents) {
                sleepUntil(wallStartNs);
            } else {
                wallStartNs = System.nanoTime();
            }
            if (speed.lockStep()) {
                runLockStep(producer, admin, lag, viaAgents, wallStartNs);
            } else {
                runPaced(producer, lag, viaAgents, speed, wallStartNs);
            }
            long agentWindows = 0;
            if (agents != null) {
                agents.close();
                agentWindows = agents.publishedWindows();
                agents = null;
            }
            Long reportsCounted = reportsCountedOnceCaughtUp(admin);
            Double maxLagSec = lag.maxLagSec();
            LOG.info(String.format(Locale.ROOT, "telemetry lag: at most %.3f s after a window's end, of which reports out up to %.3f s late",
                    maxLagSec == null ? 0 : maxLagSec, lag.maxOutLateSec()));
            return summary(viaAgents ? agentWindows : cluster.telemetryRecords(), reportsCounted, maxLagSec);
        } finally {
            if (agents != null) {
                agents.close();
            }
            finished.countDown();
        }
    }

    /**
     * Lock-step ({@code --speed max}): each window is published, the pipeline drained, and the
     * controller's pass run, on this thread, before the next window starts.
     */
    private void runLockStep(KafkaProducer<String, byte[]> producer, Admin admin, TelemetryLag lag, boolean viaAgents,
                             long wallStartNs) {
        while (!stopRequested && cluster.nowSec() < cluster.scenario().lengthSec()) {
            if (pastLimit(wallStartNs)) {
                break;
            }
            List<TelemetryReport> reports = cluster.advanceWindow();
            // In lock-step nothing is late: a window ends when the simulator has it.
            long windowEndNs = System.nanoTime();
            publish(producer, reports, viaAgents);
            lag.windowOut(windowEndNs);
            awaitDrained(admin);
            pass();
        }
    }

    /**
     * Real time or a multiple of it: the simulated cluster runs on this thread, paced by the wall
     * clock, and the controller's passes on their own ({@link ControllerLoop}), as a real cluster
     * runs apart from its controller: a long pass delays the next decision, never the cluster's
     * telemetry.
     */
    private void runPaced(KafkaProducer<String, byte[]> producer, TelemetryLag lag, boolean viaAgents, Speed speed,
                          long wallStartNs) {
        // When the demo's schedule has the next window out; a window out later than that is late by the difference.
        long dueNs = wallStartNs;
        try (ControllerLoop controller = new ControllerLoop(this::pass)) {
            while (!stopRequested && cluster.nowSec() < cluster.scenario().lengthSec()) {
                if (pastLimit(wallStartNs)) {
                    break;
                }
                publish(producer, cluster.advanceWindow(), viaAgents);
                lag.windowOut(dueNs);
                controller.windowOut();
                dueNs = wallStartNs + (long) (cluster.nowSec() / speed.factor() * 1e9);
                sleepUntil(dueNs);
            }
        }
    }

    /** A window's reports onto the telemetry topic, unless the node agents carry the telemetry. */
    private void publish(KafkaProducer<String, byte[]> producer, List<TelemetryReport> reports, boolean viaAgents) {
        if (viaAgents) {
            return;
        }
        for (TelemetryReport report : reports) {
            producer.send(new ProducerRecord<>(Topics.TELEMETRY, report.accelerator(), Json.writeBytes(report)));
        }
        producer.flush();
        metrics.counter("perch_sim_telemetry_published_total").increment(reports.size());
    }

    private boolean pastLimit(long wallStartNs) {
        double limitSec = config.durationSec();
        return limitSec > 0 && (System.nanoTime() - wallStartNs) / 1e9 >= limitSec;
    }

    /**
     * Whether telemetry can go through the agents: they window wall-clock seconds, so only at real
     * time, and each node's agent runs in this process.
     *
     * @throws IllegalArgumentException with the reason when it cannot
     */
    public static void requireAgentsCanRun(String speedText, int nodes) {
        Speed speed = Speed.parse(speedText);
        if (speed.lockStep() || speed.factor() != 1) {
            throw new IllegalArgumentException("--telemetry agent runs at --speed 1 only: the agents window wall-clock seconds, got --speed "
                    + speedText);
        }
        if (nodes > AGENT_DEMO_MAX_NODES) {
            throw new IllegalArgumentException("--telemetry agent runs an agent per node in one process, at most "
                    + AGENT_DEMO_MAX_NODES + " nodes; the scenario has " + nodes);
        }
    }

    /** Lets a Ctrl-C end the run cleanly: the loop stops and the summary is printed before shutdown. */
    void onShutdown(@Observes ShutdownEvent event) {
        stopRequested = true;
        if (!started) {
            return;
        }
        try {
            finished.await(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void requestStop() {
        stopRequested = true;
    }

    /**
     * The controller's pass, then its records flushed to Kafka: the topology reads where the apps now
     * are before the next window's telemetry.
     */
    private void pass() {
        reconciler.pass();
        outputs.flush();
    }

    private DemoSummary summary(long telemetryRecords, Long reportsCounted, Double maxTelemetryLagSec) {
        long epochMs = cluster.epochMs();
        var snapshot = cluster.snapshot();
        Map<String, Integer> windows = new HashMap<>();
        cluster.scenario().apps().forEach(a -> windows.put(a.app(), a.sloWindowSec()));
        Map<String, DemoSummary.LearnedProfileSummary> learned = DemoSummary.learnedByApp(
                learnedProfiles.isResolvable() && learnedProfiles.get() instanceof LearnedProfiles.InMemory memory
                        ? memory.kept() : List.of());
        List<DemoSummary.AppSummary> apps = new ArrayList<>();
        long inViolation = 0;
        long judged = 0;
        long violationSeconds = 0;
        long flaps = 0;
        for (SimulatedCluster.AppVerdict verdict : cluster.verdicts()) {
            Double firstImpending = tally.firstImpendingWindowEndMs(verdict.app())
                    .map(ms -> (ms - epochMs) / 1000.0).orElse(null);
            int windowSec = windows.get(verdict.app());
            long appFlaps = tally.flaps(verdict.app(), windowSec * 1000L);
            apps.add(new DemoSummary.AppSummary(verdict.app(),
                    snapshot.app(verdict.app()).flatMap(a -> a.accelerator()).orElse(null), windowSec,
                    firstImpending, verdict.firstViolationSec(), verdict.judgedSeconds(), verdict.violationSeconds(),
                    verdict.judgedSeconds() == 0 ? null : Samples.round(verdict.windowCompliance()), appFlaps,
                    learned.get(verdict.app())));
            inViolation += verdict.inViolation() ? 1 : 0;
            judged += verdict.judgedSeconds();
            violationSeconds += verdict.violationSeconds();
            flaps += appFlaps;
        }
        long placed = snapshot.apps().stream().filter(a -> a.accelerator().isPresent()).count();
        Double compliance = judged == 0 ? null : 1 - (double) violationSeconds / judged;
        return new DemoSummary(cluster.scenario().name(), config.policy(), config.seed(), config.telemetry().via(),
                cluster.nowSec(), telemetryRecords, reportsCounted,
                tally.alerts(), reconciler.decisions(), placed, inViolation, judged, violationSeconds,
                Samples.round(compliance), DemoSummary.worstCompliance(apps), flaps, Samples.round(maxTelemetryLagSec), apps);
    }


    /**
     * Waits until Kafka Streams has committed its position past every telemetry record (with
     * exactly-once, its outputs commit atomically with that position), and the controller has handled
     * every committed alert and prediction.
     */
    private void awaitDrained(Admin admin) {
        long deadline = System.currentTimeMillis() + DRAIN_TIMEOUT_MS;
        while (!stopRequested) {
            try {
                if (Offsets.committedPastEnd(admin, streamsApplicationId, Topics.TELEMETRY) && controllerCaughtUp(admin, Topics.ALERTS) && controllerCaughtUp(admin, Topics.PREDICTIONS)) {
                    return;
                }
            } catch (ExecutionException e) {
                LOG.debugf("drain check failed, retrying: %s", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                LOG.warnf("the pipeline did not catch up within %d s; continuing", DRAIN_TIMEOUT_MS / 1000);
                return;
            }
            sleepMs(5);
        }
    }

    /**
     * The topology's count of admitted reports once it has committed past every telemetry record, so
     * that every report published is in it (also after a stop asked for: the count is what the summary
     * is for); null when it has not caught up within {@link #DRAIN_TIMEOUT_MS}.
     */
    private Long reportsCountedOnceCaughtUp(Admin admin) {
        long deadline = System.currentTimeMillis() + DRAIN_TIMEOUT_MS;
        while (System.currentTimeMillis() <= deadline) {
            try {
                if (Offsets.committedPastEnd(admin, streamsApplicationId, Topics.TELEMETRY)) {
                    return PerchTopology.reportsCounted(streams);
                }
            } catch (ExecutionException e) {
                LOG.debugf("drain check failed, retrying: %s", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            sleepMs(20);
        }
        LOG.warnf("the topology did not catch up with the telemetry within %d s: reportsCounted left out", DRAIN_TIMEOUT_MS / 1000);
        return null;
    }

    /**
     * Every partition of a topic written only in transactions ends with a commit marker, so the
     * controller has caught up when the last record it handled is the one just before that marker.
     */
    private boolean controllerCaughtUp(Admin admin, String topic) throws ExecutionException, InterruptedException {
        for (var end : Offsets.end(admin, topic, IsolationLevel.READ_COMMITTED).entrySet()) {
            long stable = end.getValue();
            long handled = progress.lastHandled(topic, end.getKey().partition()).orElse(-1);
            if (stable > 0 && handled + 2 < stable) {
                return false;
            }
        }
        return true;
    }


    private static void sleepUntil(long dueNs) {
        long waitMs = (dueNs - System.nanoTime()) / 1_000_000;
        if (waitMs > 0) {
            sleepMs(waitMs);
        }
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
