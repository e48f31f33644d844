package dev.perch.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perch.cluster.ApplyResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.util.Optional;
import java.util.Set;

/**
 * The one apply primitive for the objects Perch makes: given the object as Perch wants it, create
 * it if absent, patch what differs if present, and otherwise write nothing; the answer is the
 * typed {@link ApplyResult} (created / patched / unchanged). The difference is decided by
 * {@link MergePatch} as a JSON merge patch and sent as the equivalent JSON Patch operations (see
 * {@link MergePatch#operations} for why), not by server-side apply, which the fabric8 mock API
 * server the tests run on does not support. A patch carries only what differs, so it leaves alone
 * what the API server defaulted and what others added.
 *
 * <p>Callers may hand in the object from an informer's cache to spare a read on every pass; a
 * stale cache costs at most a patch that changes nothing, or a failure retried next pass. With no
 * cached object the live one is read, so an object is never created twice.
 */
final class Applier {
    private final KubernetesClient client;
    private final String namespace;

    Applier(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** Brings the Deployment to {@code desired}, its selector aside ({@link DesiredDeployment#LEAVE_ALONE}). */
    ApplyResult deployment(Deployment desired, Deployment cached) {
        return apply(desired, cached, DesiredDeployment.LEAVE_ALONE, Set.of());
    }

    /** Brings the Service to {@code desired}, its selector exactly ({@link DesiredService#EXACT}). */
    ApplyResult service(Service desired, Service cached) {
        return apply(desired, cached, Set.of(), DesiredService.EXACT);
    }

    private <T extends HasMetadata> ApplyResult apply(T desired, T cached, Set<String> leaveAlone, Set<String> exact) {
        Resource<T> resource = client.resource(desired).inNamespace(namespace);
        String what = desired.getKind() + " " + desired.getMetadata().getName();
        T live = cached != null ? cached : resource.get();
        if (live == null) {
            resource.create();
            return new ApplyResult.Created(what + " created");
        }
        JsonNode liveTree = tree(live);
        Optional<ObjectNode> patch = MergePatch.toward(tree(desired), liveTree, leaveAlone, exact);
        if (patch.isEmpty()) {
            return new ApplyResult.Unchanged(what + " is as wanted");
        }
        resource.patch(PatchContext.of(PatchType.JSON), MergePatch.operations(patch.get(), liveTree).toString());
        return new ApplyResult.Patched(what + " patched: " + String.join(", ", MergePatch.fields(patch.get())));
    }

    private JsonNode tree(Object object) {
        return client.getKubernetesSerialization().convertValue(object, JsonNode.class);
    }
}
