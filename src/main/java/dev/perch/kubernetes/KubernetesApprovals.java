package dev.perch.kubernetes;

import dev.perch.cluster.Approvals;
import dev.perch.cluster.PlanStep;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Approval mode on Kubernetes. Perch writes the move it proposes on the InferenceApp ({@value #PROPOSED},
 * with {@value #PROPOSED_REASON} and the proposal's moment {@value #PROPOSAL}), where anyone who may
 * read apps sees it, and makes it only once a {@link MoveApproval} in the namespace names that app,
 * exactly that move and that proposal:
 * <pre>
 * apiVersion: perch.dev/v1alpha1
 * kind: MoveApproval
 * metadata: {name: cam-1-to-pi-2}
 * spec: {app: cam-1, from: pi-1/tpu0, to: pi-2/tpu0, proposal: "2026-12-06T07:00:00Z"}
 * </pre>
 * An approval of another move, or of an earlier proposal of the same move (one left unused when the
 * proposal lapsed, say), releases nothing. The proposal's annotations are taken off the app as the
 * move is let through, so the next proposal of the same move is a new one. Approving is its own
 * resource so that RBAC grants it apart from editing apps (ClusterRole {@code perch-approver}); the
 * annotation {@code perch.dev/approved-move} of earlier versions is not read: anyone who may edit an
 * app could set it.
 *
 * <p>An approval is spent by the move it releases: just before the move is made, Perch writes
 * {@code status.usedAt} on every approval naming it, and a used approval approves nothing more — the
 * same move proposed again later (after a rollback, say) waits for a new approval. Perch marks rather
 * than deletes: the approval stays as the record of who let which move through, and the controller
 * needs no right to delete what operators wrote. A move whose start then fails has spent its approval
 * too (the safe side: an approval never lets a move through twice).
 *
 * <p>Approvals are read from an informer, started at the first question (so a controller not in
 * approval mode neither watches MoveApprovals nor needs their CRD installed), which waits up to 2 s
 * for the first list; until that list, nothing is approved.
 */
public final class KubernetesApprovals implements Approvals, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KubernetesApprovals.class);
    private static final Duration FIRST_LIST_WAIT = Duration.ofSeconds(2);
    public static final String PROPOSED = "perch.dev/proposed-move";
    public static final String PROPOSED_REASON = "perch.dev/proposed-move-reason";
    /** The moment Perch proposed the move, which an approval names ({@link MoveApprovalSpec#getProposal()}). */
    public static final String PROPOSAL = "perch.dev/proposal";

    private final KubernetesClient client;
    private final String namespace;
    private final Clock clock;
    private SharedIndexInformer<MoveApproval> informer;
    private volatile String lastFailure;
    /** The approvals this process spent ({@link #identity}), whatever the informer's cache shows yet. */
    private final Set<String> spent = ConcurrentHashMap.newKeySet();

    public KubernetesApprovals(KubernetesClient client, String namespace, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
    }

    /** The move as the proposal annotation spells it. */
    static String spelled(PlanStep.Move move) {
        return move.from() + " -> " + move.to();
    }

    @Override
    public boolean approved(PlanStep.Move move) {
        return !unused(move).isEmpty();
    }

    @Override
    public boolean spend(PlanStep.Move move) {
        boolean allSpent = true;
        String now = clock.instant().toString();
        for (MoveApproval approval : unused(move)) {
            MoveApproval used = new MoveApproval();
            // The resourceVersion makes the write conditional: an approval changed since it was read is read again.
            used.setMetadata(new ObjectMetaBuilder().withName(approval.getMetadata().getName()).withNamespace(namespace)
                    .withResourceVersion(approval.getMetadata().getResourceVersion()).build());
            used.setSpec(approval.getSpec());
            used.setStatus(new MoveApprovalStatus());
            used.getStatus().setUsedAt(now);
            try {
                client.resources(MoveApproval.class).inNamespace(namespace).resource(used).patchStatus();
                spent.add(identity(approval));
                LOG.infof("MoveApproval %s released the move of %s from %s to %s", approval.getMetadata().getName(),
                        move.app(), move.from(), move.to());
            } catch (KubernetesClientException e) {
                LOG.warnf("MoveApproval %s could not be marked used (%s); its move waits", approval.getMetadata().getName(),
                        e.getMessage());
                allSpent = false;
            }
        }
        if (allSpent) {
            withdraw(move);
        }
        return allSpent;
    }

    /** Takes the proposal of {@code move} off its app: let through, it is proposed no more. */
    private void withdraw(PlanStep.Move move) {
        try {
            client.resources(InferenceApp.class).inNamespace(namespace).withName(move.app()).edit(current -> {
                Map<String, String> annotations = current.getMetadata().getAnnotations();
                if (annotations != null && spelled(move).equals(annotations.get(PROPOSED))) {
                    annotations.remove(PROPOSED);
                    annotations.remove(PROPOSED_REASON);
                    annotations.remove(PROPOSAL);
                }
                return current;
            });
        } catch (KubernetesClientException e) {
            // Its approvals are spent, so the stale proposal releases nothing; the next one replaces it.
            LOG.warnf("the proposal of %s's move could not be taken off the app (%s)", move.app(), e.getMessage());
        }
    }

    /** The approvals of exactly this move and its current proposal not used yet, oldest first. */
    private List<MoveApproval> unused(PlanStep.Move move) {
        List<MoveApproval> known = cached();
        Optional<String> proposal = proposal(move);
        if (proposal.isEmpty()) {
            return List.of();
        }
        return known.stream()
                .filter(a -> a.getSpec() != null && move.app().equals(a.getSpec().getApp())
                        && move.from().equals(a.getSpec().getFrom()) && move.to().equals(a.getSpec().getTo())
                        && proposal.get().equals(a.getSpec().getProposal()))
                .filter(a -> (a.getStatus() == null || a.getStatus().getUsedAt() == null) && !spent.contains(identity(a)))
                .sorted(Comparator.comparing((MoveApproval a) -> Objects.toString(a.getMetadata().getCreationTimestamp(), ""))
                        .thenComparing(a -> a.getMetadata().getName()))
                .toList();
    }

    /** The moment {@code move} was proposed, as its app shows it; empty when the app shows no proposal of it. */
    private Optional<String> proposal(PlanStep.Move move) {
        InferenceApp app = client.resources(InferenceApp.class).inNamespace(namespace).withName(move.app()).get();
        Map<String, String> annotations = app == null ? null : app.getMetadata().getAnnotations();
        if (annotations == null || !spelled(move).equals(annotations.get(PROPOSED))) {
            return Optional.empty();
        }
        return Optional.ofNullable(annotations.get(PROPOSAL));
    }

    /** Whether the approval of this name has been read (tests wait on it). */
    boolean read(String name) {
        return cached().stream().anyMatch(a -> name.equals(a.getMetadata().getName()));
    }

    /** The approval's uid (a new approval of the same name is another approval). */
    private static String identity(MoveApproval approval) {
        return Objects.toString(approval.getMetadata().getUid(), approval.getMetadata().getName());
    }

    private synchronized List<MoveApproval> cached() {
        if (informer == null) {
            informer = client.resources(MoveApproval.class).inNamespace(namespace).runnableInformer(0);
            // Retry whatever fails (the CRD not yet installed, RBAC not yet granted): moves wait meanwhile.
            informer.exceptionHandler((started, failure) -> {
                if (!Objects.equals(lastFailure, failure.getMessage())) {
                    lastFailure = failure.getMessage();
                    LOG.warnf("cannot read MoveApprovals in %s (%s); held moves wait until it can", namespace, failure.getMessage());
                }
                return true;
            });
            try {
                // A short wait at the first question, so that an approval made before it counts at once.
                informer.start().toCompletableFuture().get(FIRST_LIST_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                LOG.debugf("MoveApprovals not listed yet: %s", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return informer.hasSynced() ? informer.getStore().list() : List.of();
    }

    /** Whether the approvals have been read once (started at the first question; false before it). */
    public synchronized boolean synced() {
        return informer != null && informer.hasSynced();
    }

    @Override
    public void propose(PlanStep.Move move, String reason) {
        InferenceApp app = client.resources(InferenceApp.class).inNamespace(namespace).withName(move.app()).get();
        if (app == null) {
            return;
        }
        Map<String, String> annotations = app.getMetadata().getAnnotations();
        if (annotations != null && spelled(move).equals(annotations.get(PROPOSED)) && annotations.get(PROPOSAL) != null) {
            return;
        }
        String proposal = clock.instant().toString();
        client.resources(InferenceApp.class).inNamespace(namespace).withName(move.app()).edit(current -> {
            current.getMetadata().getAnnotations().put(PROPOSED, spelled(move));
            current.getMetadata().getAnnotations().put(PROPOSED_REASON, reason);
            current.getMetadata().getAnnotations().put(PROPOSAL, proposal);
            return current;
        });
    }

    @Override
    public synchronized void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
