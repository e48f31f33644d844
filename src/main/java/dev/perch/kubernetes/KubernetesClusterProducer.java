package dev.perch.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;

/**
 * Builds the Kubernetes cluster ports from the Quarkus-managed client (kubeconfig, in-cluster service
 * account, or the mock server in tests) and the {@code perch.kubernetes.*} settings. Created only when
 * something asks for it ({@code run} mode), so other modes never contact an API server.
 */
@ApplicationScoped
public class KubernetesClusterProducer {
    @Produces
    @Singleton
    @Typed(KubernetesCluster.class) // exposed as Perch's ports by the runtime's producers only, by mode
    KubernetesCluster kubernetesCluster(KubernetesClient client,
                                        @ConfigProperty(name = "perch.kubernetes.namespace", defaultValue = "perch") String namespace,
                                        @ConfigProperty(name = "perch.kubernetes.network-ms", defaultValue = "10") double networkMs,
                                        @ConfigProperty(name = "perch.kubernetes.ready-timeout-sec", defaultValue = "120") long readyTimeoutSec,
                                        @ConfigProperty(name = "perch.agent.enabled", defaultValue = "false") boolean agentEnabled,
                                        @ConfigProperty(name = "perch.agent.memory-mb", defaultValue = "128") double agentMemoryMb,
                                        // docs/decisions/0010: kube-scheduler's pace; 0 writes at once
                                        @ConfigProperty(name = "perch.kubernetes.status-writes-per-sec", defaultValue = "50")
                                        double statusWritesPerSec) {
        return new KubernetesCluster(client, namespace, new ConfigMapCatalog(client, namespace), networkMs,
                Duration.ofSeconds(readyTimeoutSec), Clock.systemUTC(), agentEnabled ? agentMemoryMb : 0, statusWritesPerSec);
    }
}
