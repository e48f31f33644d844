package dev.perch.kubernetes;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetricsList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * An app's backend memory as the Kubernetes metrics API measures it (metrics-server's working set of
 * the {@code backend} container of the app's pods), where a metrics server runs. A cluster without
 * one answers 404; that is said once in the log, and the memory stays unknown.
 */
final class PodMemory {
    private static final Logger LOG = Logger.getLogger(PodMemory.class);
    private static final double MIB = 1024 * 1024;

    private final KubernetesClient client;
    private final String namespace;
    private volatile boolean unavailableSaid;

    PodMemory(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** The largest working set of the app's backend containers now (one pod, but for a move under way), in MiB. */
    OptionalDouble residentMb(String app) {
        PodMetricsList pods;
        try {
            pods = client.top().pods().inNamespace(namespace).withLabels(Map.of(ObjectNames.APP_LABEL, app)).metrics();
        } catch (KubernetesClientException e) {
            if (!unavailableSaid) {
                unavailableSaid = true;
                LOG.infof("no pod memory from the metrics API (%s): a learned profile's memory comes from telemetry"
                        + " or the catalog's prior", e.getCode() == 404 ? "no metrics server" : e.getMessage());
            }
            return OptionalDouble.empty();
        }
        double largest = 0;
        for (PodMetrics pod : pods == null || pods.getItems() == null ? java.util.List.<PodMetrics>of() : pods.getItems()) {
            for (ContainerMetrics container : pod.getContainers()) {
                Quantity memory = container.getUsage() == null ? null : container.getUsage().get("memory");
                if (DesiredDeployment.BACKEND.equals(container.getName()) && memory != null) {
                    largest = Math.max(largest, Quantity.getAmountInBytes(memory).doubleValue() / MIB);
                }
            }
        }
        return largest > 0 ? OptionalDouble.of(largest) : OptionalDouble.empty();
    }
}
