package dev.perch.faults;

import dev.perch.kubernetes.ObjectNames;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The independent watcher of the fault suite: informers on the Deployments and Services Perch makes,
 * counting every moment an app that had been served had none to serve it — its Deployments' ready
 * replicas summed to 0 (the Deployments' own watch, in the order the API server wrote them), or its
 * Service switched to a Deployment with no ready replica. Apps {@link #exclude}d (those of a lost
 * node, which cannot have one until placed again) are not counted.
 */
final class ReadyWatch implements AutoCloseable {
    private final SharedIndexInformer<Deployment> deployments;
    private final SharedIndexInformer<Service> services;
    /** Ready replicas of each Deployment, by name, as the events told them. */
    private final Map<String, Integer> readyByDeployment = new HashMap<>();
    private final Map<String, String> appOfDeployment = new HashMap<>();
    private final Set<String> everServed = new HashSet<>();
    private final Set<String> excluded = new HashSet<>();
    private final Map<String, Boolean> servedNow = new HashMap<>();
    private final List<String> moments = new ArrayList<>();
    /** The moments of excluded apps: not counted, but shown, so a run says the watcher saw the lost node's apps go. */
    private final List<String> excludedMoments = new ArrayList<>();

    ReadyWatch(KubernetesClient client, String namespace) {
        this.deployments = client.apps().deployments().inNamespace(namespace)
                .withLabel(ObjectNames.MANAGED_BY, "perch").inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Deployment d) {
                        deployment(d, false);
                    }

                    @Override
                    public void onUpdate(Deployment old, Deployment d) {
                        deployment(d, false);
                    }

                    @Override
                    public void onDelete(Deployment d, boolean unknownFinalState) {
                        deployment(d, true);
                    }
                });
        this.services = client.services().inNamespace(namespace).withLabel(ObjectNames.MANAGED_BY, "perch")
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Service s) {
                        service(s);
                    }

                    @Override
                    public void onUpdate(Service old, Service s) {
                        service(s);
                    }

                    @Override
                    public void onDelete(Service s, boolean unknownFinalState) {
                    }
                });
    }

    private synchronized void deployment(Deployment d, boolean deleted) {
        String name = d.getMetadata().getName();
        String app = d.getMetadata().getLabels().get(ObjectNames.APP_LABEL);
        appOfDeployment.put(name, app);
        if (deleted) {
            readyByDeployment.remove(name);
        } else {
            readyByDeployment.put(name, MockCluster.readyReplicas(d));
        }
        int ready = readyByDeployment.entrySet().stream().filter(e -> app.equals(appOfDeployment.get(e.getKey())))
                .mapToInt(Map.Entry::getValue).sum();
        boolean served = ready > 0;
        if (served) {
            everServed.add(app);
        } else if (everServed.contains(app) && Boolean.TRUE.equals(servedNow.get(app))) {
            (excluded.contains(app) ? excludedMoments : moments).add(System.currentTimeMillis() + " " + app
                    + ": no ready replica after " + (deleted ? "deleting " : "") + name);
        }
        servedNow.put(app, served);
    }

    private synchronized void service(Service s) {
        String app = s.getMetadata().getName();
        String accelerator = s.getSpec().getSelector() == null ? null : s.getSpec().getSelector().get(ObjectNames.ACCELERATOR_LABEL);
        String selected = app + "-" + accelerator;
        if (everServed.contains(app) && !excluded.contains(app) && readyByDeployment.getOrDefault(selected, 0) == 0) {
            moments.add(System.currentTimeMillis() + " " + app + ": Service selects " + selected + ", which has no ready replica");
        }
    }

    /** Apps no longer counted (those of a lost node). */
    synchronized void exclude(Set<String> apps) {
        excluded.addAll(apps);
    }

    synchronized long zeroReadyMoments() {
        return moments.size();
    }

    synchronized List<String> excludedMoments() {
        return List.copyOf(excludedMoments);
    }

    synchronized List<String> moments() {
        return List.copyOf(moments);
    }

    boolean synced() {
        return deployments.hasSynced() && services.hasSynced();
    }

    @Override
    public void close() {
        deployments.close();
        services.close();
    }
}
