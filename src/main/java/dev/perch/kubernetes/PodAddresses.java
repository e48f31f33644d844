package dev.perch.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The IP of the pod that serves an app on each of its accelerators, read from the pods of Perch's
 * Deployments (their template labels name the app and the accelerator's slug), so that the node
 * agent scrapes the pod that runs now: a restarted or moved pod has a new IP, the apps record
 * carries it, and the agent follows without a restart. Pure, so the choice is tested without a server.
 */
final class PodAddresses {
    private PodAddresses() {
    }

    /**
     * Per accelerator of {@code accelerators} (the app's, including a move's target and source), the
     * IP of its pod. Of several pods (a rollout, a pod being replaced), a ready one before one that is
     * not, then the newest: that is the one the Service sends traffic to, or soon will. Pods being
     * deleted, finished, or without an IP yet are left out.
     */
    static Map<String, String> of(String app, Collection<String> accelerators, List<Pod> pods) {
        Map<String, String> ips = new HashMap<>();
        for (String accelerator : accelerators) {
            String slug = ObjectNames.slug(accelerator);
            pods.stream()
                    .filter(p -> labelled(p, ObjectNames.APP_LABEL, app) && labelled(p, ObjectNames.ACCELERATOR_LABEL, slug))
                    .filter(PodAddresses::live)
                    .min(Comparator.comparing((Pod p) -> !ready(p))
                            .thenComparing(p -> creation(p), Comparator.reverseOrder())
                            .thenComparing(p -> p.getMetadata().getName()))
                    .ifPresent(p -> ips.put(accelerator, p.getStatus().getPodIP()));
        }
        return ips;
    }

    private static boolean labelled(Pod pod, String label, String value) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null && value.equals(labels.get(label));
    }

    private static boolean live(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) {
            return false;
        }
        String ip = pod.getStatus().getPodIP();
        String phase = pod.getStatus().getPhase();
        return ip != null && !ip.isBlank() && !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    private static boolean ready(Pod pod) {
        List<PodCondition> conditions = pod.getStatus().getConditions();
        return conditions != null && conditions.stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** RFC 3339 timestamps in UTC sort as text; a pod without one counts as oldest. */
    private static String creation(Pod pod) {
        return Optional.ofNullable(pod.getMetadata().getCreationTimestamp()).orElse("");
    }
}
