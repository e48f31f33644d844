package dev.perch.kubernetes;

import dev.perch.model.profile.ScenarioReader;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reports to apps' owners paced by {@code perch.kubernetes.status-writes-per-sec}, on the mock API
 * server: many reports on one app end with the latest written, in far fewer writes than reports;
 * reports on many apps all land.
 */
@EnableKubernetesMockClient(crud = true)
class StatusWritePaceTest {
    KubernetesClient client;
    KubernetesMockServer server;

    private KubernetesCluster cluster(double perSec) {
        KubernetesCluster cluster = new KubernetesCluster(client, NS, ScenarioReader::defaultCatalog, 10, Duration.ofSeconds(120),
                Clock.systemUTC(), 0, perSec);
        KubernetesClusterTest.await(cluster::synced, "informers synced");
        return cluster;
    }

    private void createApps(KubernetesCluster cluster, List<String> names) {
        names.forEach(name -> client.resources(InferenceApp.class).inNamespace(NS)
                .resource(KubernetesFixtures.app(name, "mobilenet-v2", 100.0)).create());
        KubernetesClusterTest.await(() -> names.stream().allMatch(n -> cluster.cachedApp(n).isPresent()), "apps in the cache");
    }

    private Optional<Condition> condition(String app, String type) {
        InferenceAppStatus status = client.resources(InferenceApp.class).inNamespace(NS).withName(app).get().getStatus();
        return status == null ? Optional.empty() : Conditions.find(status.getConditions(), type);
    }

    @Test
    void manyReportsOnOneAppEndWithTheLatestInFewWrites() {
        try (KubernetesCluster cluster = cluster(2)) {
            createApps(cluster, List.of("cam-1"));
            int before = server.getRequestCount();
            for (int i = 1; i <= 50; i++) {
                cluster.atRisk("cam-1", 100.0 + i, 90.0, "predicted " + (100 + i) + " ms over the 100 ms SLO");
            }
            KubernetesClusterTest.await(() -> condition("cam-1", InferenceAppStatus.SLO_AT_RISK)
                    .filter(c -> c.getMessage().equals("predicted 150 ms over the 100 ms SLO")).isPresent(), "the latest report");
            KubernetesClusterTest.await(() -> cluster.reportsWaiting() == 0, "nothing waiting");
            InferenceAppStatus status = client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").get().getStatus();
            assertEquals(150.0, status.getPredictedMs(), "the latest prediction, not one before it");
            // Not coalesced, 50 reports would be 50 status writes (a read and a write each) and 50 Events.
            int requests = server.getRequestCount() - before;
            assertTrue(requests < 30, "coalesced: " + requests + " requests for 50 reports");
            KubernetesClusterTest.await(() -> !client.v1().events().inNamespace(NS).list().getItems().isEmpty(), "an Event");
            List<Event> events = client.v1().events().inNamespace(NS).list().getItems();
            assertTrue(events.size() < 10, events.size() + " Events for 50 reports");
            assertEquals(50, events.stream().mapToInt(Event::getCount).sum(), "the Events count every report");
        }
    }

    @Test
    void reportsOnManyAppsAllLand() {
        List<String> names = IntStream.range(0, 60).mapToObj(i -> "app-" + i).toList();
        try (KubernetesCluster cluster = cluster(40)) {
            createApps(cluster, names);
            names.forEach(name -> cluster.unplaced(name, "no accelerator takes " + name));
            names.forEach(name -> cluster.decided(name, "left unplaced: no accelerator takes " + name));
            KubernetesClusterTest.await(() -> names.stream().allMatch(n -> condition(n, InferenceAppStatus.UNSCHEDULABLE)
                    .filter(c -> c.getStatus().equals("True") && c.getMessage().equals("no accelerator takes " + n))
                    .isPresent()), "every app's Unschedulable");
            KubernetesClusterTest.await(() -> client.v1().events().inNamespace(NS).list().getItems().size() == names.size(),
                    "one Decision Event per app");
            assertEquals(0, cluster.reportsWaiting());
        }
    }
}
