package dev.perch.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One leader among Perch's controller replicas, through a Kubernetes Lease (fabric8's leader
 * election). Only the leader acts; the others keep their informers warm and take over when the
 * lease is not renewed — a new leader picks up half-done migrations from the InferenceApps' status
 * ({@link KubernetesCluster#progressMoves}).
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    /** Lease timings: a lost leader is replaced after about {@code leaseDuration}. */
    public record Timings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public static final Timings DEFAULT = new Timings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }

    private final String identity;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final CompletableFuture<?> running;

    /**
     * Joins the election for {@code leaseName} in {@code namespace}; {@code onStartLeading} runs on
     * the elector's thread when this replica becomes the leader, {@code onStopLeading} when it stops.
     */
    public LeaderElection(KubernetesClient client, String namespace, String leaseName, String identity, Timings timings,
                          Runnable onStartLeading, Runnable onStopLeading) {
        this.identity = identity;
        LeaderCallbacks callbacks = new LeaderCallbacks(() -> {
            leading.set(true);
            LOG.infof("%s leads", identity);
            onStartLeading.run();
        }, () -> {
            leading.set(false);
            LOG.infof("%s no longer leads", identity);
            onStopLeading.run();
        }, leader -> LOG.debugf("leader is now %s", leader));
        LeaderElectionConfig config = new LeaderElectionConfig(new LeaseLock(namespace, leaseName, identity),
                timings.leaseDuration(), timings.renewDeadline(), timings.retryPeriod(), callbacks, true, leaseName);
        this.running = client.leaderElector().withConfig(config).build().start();
    }

    public boolean isLeader() {
        return leading.get();
    }

    public String identity() {
        return identity;
    }

    /** Leaves the election, releasing the lease if held. */
    @Override
    public void close() {
        running.cancel(true);
        leading.set(false);
    }
}
