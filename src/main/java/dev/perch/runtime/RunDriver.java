package dev.perch.runtime;

import dev.perch.controller.Reconciler;
import dev.perch.kubernetes.KubernetesCluster;
import dev.perch.kubernetes.LeaderElection;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code run}: joins the leader election, and while this replica leads, runs the controller's
 * pass ({@link Reconciler#pass}) every {@code perch.kubernetes.loop-sec} (alerts arrive through the
 * controller's inbox, which acts only while leading).
 * Replicas that do not lead keep their informers warm and decide nothing.
 */
@ApplicationScoped
public class RunDriver {
    private static final Logger LOG = Logger.getLogger(RunDriver.class);

    @Inject
    PerchConfig config;
    @Inject
    Reconciler reconciler;
    @Inject
    Instance<KubernetesCluster> cluster;
    @Inject
    SloMetrics sloMetrics;

    private LeaderElection election;
    private ScheduledExecutorService loop;

    void onStart(@Observes StartupEvent event) {
        if (!ClusterProducers.onKubernetes(config)) {
            return;
        }
        KubernetesCluster kubernetes = cluster.get();
        reconciler.setActive(false);
        reconciler.reportTo(kubernetes);
        PerchConfig.Kubernetes settings = config.kubernetes();
        String identity = settings.identity().orElseGet(RunDriver::hostName);
        election = kubernetes.leaderElection(settings.leaseName(), identity, LeaderElection.Timings.DEFAULT,
                () -> reconciler.setActive(true), () -> reconciler.setActive(false));
        loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "perch-reconcile"));
        long periodMs = (long) (settings.loopSec() * 1000);
        loop.scheduleWithFixedDelay(() -> reconcileOnce(kubernetes), periodMs, periodMs, TimeUnit.MILLISECONDS);
        LOG.infof("perch run: namespace %s, replica %s, a pass every %.1f s while leading", settings.namespace(), identity,
                settings.loopSec());
    }

    /** One pass; a failure is logged and the next pass tries again (the loop must not die). */
    void reconcileOnce(KubernetesCluster kubernetes) {
        try {
            if (!kubernetes.synced()) {
                return;
            }
            sloMetrics.retainOnly(kubernetes.snapshot().apps().stream().map(a -> a.app())
                    .collect(java.util.stream.Collectors.toSet()));
            if (!election.isLeader()) {
                return;
            }
            reconciler.pass();
        } catch (RuntimeException e) {
            LOG.warnf(e, "reconcile pass failed; retrying in the next one");
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.shutdownNow();
        }
        if (election != null) {
            election.close();
        }
        if (cluster.isResolvable() && ClusterProducers.onKubernetes(config)) {
            cluster.get().close();
        }
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "perch-" + UUID.randomUUID();
        }
    }
}
