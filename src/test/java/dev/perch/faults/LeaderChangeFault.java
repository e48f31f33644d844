package dev.perch.faults;

import dev.perch.kubernetes.AcceleratorKind;
import dev.perch.kubernetes.InferenceAppStatus;
import dev.perch.kubernetes.ObjectNames;
import dev.perch.runtime.EmbeddedKafka;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@code leader-change}: two replicas of the packaged application ({@code run}) on the mock API
 * server and an embedded broker; the leader makes room for a new app by moving another
 * (make-before-break: {@code mobile} from the Edge TPU {@code pi-1/tpu0} to the Jetson
 * {@code nano-1/gpu0}, so that {@code medium} fits on the Edge TPU, as the {@code room} scenario),
 * and is killed with SIGKILL at one step of the move: target created, target ready, Service
 * switched, source removed — one run per step, each on a fresh API server and broker. The other
 * replica takes the lease when it expires and must finish the move (or roll it back) and place
 * {@code medium}; a {@link ReadyWatch} counts every moment an app had no ready replica.
 */
final class LeaderChangeFault implements Fault {
    private static final String SOURCE = "pi-1/tpu0";
    private static final String TARGET = "nano-1/gpu0";
    private static final long STEP_TIMEOUT_MS = 120_000;
    /** Lease of 15 s, a 120 s ready timeout and a pass a second: a new leader has finished well within this. */
    private static final long RECOVERY_TIMEOUT_MS = 180_000;
    /** A pass a second; no cooldown to wait out before moving the app just placed; the Edge TPU reserve off (room scenario). */
    static final Map<String, String> SETTINGS = Map.of("perch.kubernetes.loop-sec", "1", "perch.cooldown-sec", "1",
            "perch.admission.max-share-of-edge-tpu-left", "1");

    enum Step {
        TARGET_CREATED("target-created"), TARGET_READY("target-ready"), SERVICE_SWITCHED("service-switched"),
        SOURCE_REMOVED("source-removed");

        final String label;

        Step(String label) {
            this.label = label;
        }
    }

    /** What one run found. */
    private record StepRun(Step step, String outcome, double recoverySec, long zeroReadyMoments, List<String> problems) {
    }

    private final List<String> problems = new ArrayList<>();

    @Override
    public String name() {
        return "leader-change";
    }

    @Override
    public FaultResult run(FaultContext context) throws Exception {
        List<String> outcomes = new ArrayList<>();
        double recoverySec = 0;
        long zeroReady = 0;
        for (Step step : Step.values()) {
            Path dir = Files.createDirectories(context.workDir().resolve(step.label));
            StepRun run = runStep(step, context.jar(), dir);
            System.err.println("faults: leader-change: " + step.label + ": " + run.outcome());
            outcomes.add(step.label + ": " + run.outcome());
            recoverySec = Math.max(recoverySec, run.recoverySec());
            zeroReady += run.zeroReadyMoments();
            run.problems().forEach(p -> problems.add(step.label + ": " + p + " (logs in " + dir + ")"));
        }
        return new FaultResult(name(), null, null, null, null, null, zeroReady, String.join("; ", outcomes), null, null,
                Math.round(recoverySec * 10) / 10.0);
    }

    @Override
    public List<String> findings() {
        return problems;
    }

    private StepRun runStep(Step step, Path jar, Path dir) throws Exception {
        List<String> found = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
             MockCluster cluster = new MockCluster(1500);
             ReadyWatch watch = new ReadyWatch(cluster.client, MockCluster.NS)) {
            cluster.oneEdgeTpuTwoApps();
            try (PerchRun a = PerchRun.start(jar, dir, "replica-a", cluster.url(), kafka.bootstrapServers(), SETTINGS)) {
                need(MockCluster.await(() -> holder(cluster).equals(Optional.of("replica-a")), STEP_TIMEOUT_MS),
                        "replica-a never took the lease (see " + a.log() + ")");
                try (PerchRun b = PerchRun.start(jar, dir, "replica-b", cluster.url(), kafka.bootstrapServers(), SETTINGS)) {
                    need(MockCluster.await(() -> cluster.servedReady("large").isPresent()
                            && cluster.servedReady("mobile").equals(Optional.of(SOURCE)), STEP_TIMEOUT_MS),
                            "large and mobile were not both placed on " + SOURCE + " and ready");
                    need(MockCluster.await(() -> logSays(b.log(), "perch run: namespace"), STEP_TIMEOUT_MS),
                            "replica-b did not start (see " + b.log() + ")");
                    cluster.node("nano-1", "gpu");
                    if (step == Step.TARGET_CREATED) {
                        cluster.hold("nano-1"); // the kill lands before the target is ready
                    }
                    cluster.app("medium", "efficientnet-M", 8, 400, AcceleratorKind.EDGETPU);
                    need(MockCluster.await(reached(step, cluster), STEP_TIMEOUT_MS),
                            "the leader never reached " + step.label + " of the move of mobile to " + TARGET);
                    String serviceAtKill = selected(cluster);
                    Optional<InferenceAppStatus.Migration> migrationAtKill = cluster.status("mobile").map(InferenceAppStatus::getMigration);
                    a.kill();
                    long killedAtMs = System.currentTimeMillis();
                    cluster.release("nano-1");
                    String state = "killed with the Service on " + serviceAtKill + ", migration "
                            + migrationAtKill.map(m -> m.getPhase()).orElse("cleared");
                    Optional<String> over = Optional.empty();
                    long overAtMs = killedAtMs;
                    if (MockCluster.await(() -> moveOver(cluster).isPresent(), RECOVERY_TIMEOUT_MS)) {
                        over = moveOver(cluster);
                        overAtMs = System.currentTimeMillis();
                    }
                    boolean bLeads = MockCluster.await(() -> holder(cluster).equals(Optional.of("replica-b")), 30_000);
                    boolean mediumPlaced = MockCluster.await(() -> cluster.servedReady("medium").equals(Optional.of(SOURCE)),
                            RECOVERY_TIMEOUT_MS);
                    double recoverySec = (overAtMs - killedAtMs) / 1000.0;
                    if (over.isEmpty()) {
                        found.add("the move of mobile was neither finished nor rolled back within "
                                + RECOVERY_TIMEOUT_MS / 1000 + " s of the kill");
                    }
                    if (!bLeads) {
                        found.add("replica-b never took the lease");
                    }
                    if (!mediumPlaced) {
                        found.add("medium was not placed on " + SOURCE + " after the move");
                    }
                    watch.moments().forEach(m -> found.add("zero ready: " + m));
                    String outcome = over.orElse("unfinished") + String.format(Locale.ROOT, " %.1f s after the kill (%s)", recoverySec, state)
                            + (mediumPlaced ? ", medium then placed on " + SOURCE : ", medium not placed");
                    return new StepRun(step, outcome, recoverySec, watch.zeroReadyMoments(), found);
                }
            }
        }
    }

    private static void need(boolean condition, String why) {
        if (!condition) {
            throw new IllegalStateException(why);
        }
    }

    /** Whether the leader has taken the move to {@code step} (read from the API server). */
    private static BooleanSupplier reached(Step step, MockCluster cluster) {
        return switch (step) {
            case TARGET_CREATED -> () -> cluster.deployment("mobile", TARGET) != null;
            case TARGET_READY -> () -> MockCluster.readyReplicas(cluster.deployment("mobile", TARGET)) >= 1;
            case SERVICE_SWITCHED -> () -> TARGET.replace('/', '-').equals(selected(cluster));
            case SOURCE_REMOVED -> () -> cluster.deployment("mobile", TARGET) != null && cluster.deployment("mobile", SOURCE) == null;
        };
    }

    private static String selected(MockCluster cluster) {
        Service service = cluster.client.services().inNamespace(MockCluster.NS).withName("mobile").get();
        return service == null || service.getSpec().getSelector() == null ? null
                : service.getSpec().getSelector().get(ObjectNames.ACCELERATOR_LABEL);
    }

    /** "finished" or "rolled back" once the move is over in the cluster: status, objects and Service agree. */
    private static Optional<String> moveOver(MockCluster cluster) {
        Optional<InferenceAppStatus> status = cluster.status("mobile");
        if (status.isEmpty() || status.get().getMigration() != null) {
            return Optional.empty();
        }
        String on = status.get().getAccelerator();
        String other = TARGET.equals(on) ? SOURCE : TARGET;
        if (on == null || cluster.deployment("mobile", other) != null || !on.replace('/', '-').equals(selected(cluster))
                || MockCluster.readyReplicas(cluster.deployment("mobile", on)) < 1) {
            return Optional.empty();
        }
        return Optional.of(TARGET.equals(on) ? "finished" : "rolled back");
    }

    private static Optional<String> holder(MockCluster cluster) {
        Lease lease = cluster.client.leases().inNamespace(MockCluster.NS).withName("perch-controller").get();
        return Optional.ofNullable(lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity());
    }

    static boolean logSays(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
