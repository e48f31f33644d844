package dev.perch.kubernetes;

import dev.perch.cluster.PlanStep;
import dev.perch.sim.SimClock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Approval mode's proposals and approvals on the mock API server: the proposal on the InferenceApp,
 * a MoveApproval of exactly that move and proposal approving it, anything else (another move, an
 * earlier proposal of the same move, the retired annotation, another namespace, a used approval) not.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesApprovalsTest {
    private static final PlanStep.Move MOVE = new PlanStep.Move("cam-1", "pi-1/tpu0", "pi-2/tpu0");
    private static final long START_MS = Instant.parse("2026-12-06T07:00:00Z").toEpochMilli();
    KubernetesClient client;
    private final AtomicLong nowMs = new AtomicLong(START_MS);
    private final SimClock clock = new SimClock(nowMs::get);
    private KubernetesApprovals approvals;

    /** A MoveApproval as an operator would {@code kubectl create} it. */
    static MoveApproval approval(String name, String app, String from, String to, String proposal) {
        MoveApproval approval = new MoveApproval();
        approval.getMetadata().setName(name);
        approval.getMetadata().setNamespace(NS);
        MoveApprovalSpec spec = new MoveApprovalSpec();
        spec.setApp(app);
        spec.setFrom(from);
        spec.setTo(to);
        spec.setProposal(proposal);
        spec.setComment("checked the dashboards");
        approval.setSpec(spec);
        return approval;
    }

    static void create(KubernetesClient client, MoveApproval approval) {
        client.resources(MoveApproval.class).inNamespace(approval.getMetadata().getNamespace()).resource(approval).create();
    }

    /** The proposal the app shows, as an operator copies it into an approval. */
    static String proposal(KubernetesClient client, String app) {
        return client.resources(InferenceApp.class).inNamespace(NS).withName(app).get().getMetadata().getAnnotations()
                .get(KubernetesApprovals.PROPOSAL);
    }

    private MoveApproval read(String name) {
        return client.resources(MoveApproval.class).inNamespace(NS).withName(name).get();
    }

    /** Creates the approval and waits until the approvals' informer has read it. */
    private void createAndAwait(KubernetesApprovals reader, MoveApproval approval) {
        create(client, approval);
        await(() -> reader.read(approval.getMetadata().getName()), approval.getMetadata().getName() + " read");
    }

    @BeforeEach
    void start() {
        client.resources(InferenceApp.class).inNamespace(NS).resource(app("cam-1", "mobilenet_v2", 200.0)).create();
        approvals = new KubernetesApprovals(client, NS, clock);
        assertFalse(approvals.approved(MOVE), "no approval yet");
        await(approvals::synced, "the approvals listed"); // then each test's waits are for the watch alone
    }

    @AfterEach
    void close() {
        approvals.close();
    }

    @Test
    void theProposalIsWrittenOnTheInferenceAppAndIsNoApproval() {
        approvals.propose(MOVE, "impending alert: predicted mean 210 ms within 15 s");
        Map<String, String> annotations = client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").get()
                .getMetadata().getAnnotations();
        assertEquals("pi-1/tpu0 -> pi-2/tpu0", annotations.get(KubernetesApprovals.PROPOSED));
        assertEquals("impending alert: predicted mean 210 ms within 15 s", annotations.get(KubernetesApprovals.PROPOSED_REASON));
        assertEquals("2026-12-06T07:00:00Z", annotations.get(KubernetesApprovals.PROPOSAL), "the moment it was proposed");
        nowMs.addAndGet(5_000);
        approvals.propose(MOVE, "impending alert: predicted mean 210 ms within 15 s");
        assertEquals("2026-12-06T07:00:00Z", proposal(client, "cam-1"), "proposed again while it waits: the same proposal");
        assertFalse(approvals.approved(MOVE), "proposed is not approved");
    }

    @Test
    void aMoveApprovalApprovesExactlyTheMoveAndProposalItNames() {
        approvals.propose(MOVE, "test");
        String proposal = proposal(client, "cam-1");
        create(client, approval("cam-2-same-move", "cam-2", "pi-1/tpu0", "pi-2/tpu0", proposal));
        create(client, approval("cam-1-from-pi-3", "cam-1", "pi-3/tpu0", "pi-2/tpu0", proposal));
        create(client, approval("cam-1-earlier-proposal", "cam-1", "pi-1/tpu0", "pi-2/tpu0", "2026-12-05T22:00:00Z"));
        createAndAwait(approvals, approval("cam-1-to-nano", "cam-1", "pi-1/tpu0", "nano-1/gpu0", proposal)); // last: once read, all are
        assertFalse(approvals.approved(MOVE), "another app, source, target or proposal: none approves this move");

        create(client, approval("cam-1-to-pi-2", "cam-1", "pi-1/tpu0", "pi-2/tpu0", proposal));
        await(() -> approvals.approved(MOVE), "approved once its MoveApproval is read");
        assertFalse(approvals.approved(new PlanStep.Move("cam-1", "pi-2/tpu0", "pi-1/tpu0")), "not the move back");
    }

    @Test
    void theRetiredAnnotationAndAnApprovalInAnotherNamespaceApproveNothing() {
        approvals.propose(MOVE, "test");
        client.resources(InferenceApp.class).inNamespace(NS).withName("cam-1").edit(a -> {
            a.getMetadata().getAnnotations().put("perch.dev/approved-move", "pi-1/tpu0 -> pi-2/tpu0");
            return a;
        });
        MoveApproval elsewhere = approval("cam-1-to-pi-2", "cam-1", "pi-1/tpu0", "pi-2/tpu0", proposal(client, "cam-1"));
        elsewhere.getMetadata().setNamespace("other");
        create(client, elsewhere);
        // A marker in Perch's namespace, created last: once it is read, so would have been the rest.
        createAndAwait(approvals, approval("marker", "cam-9", "pi-1/tpu0", "pi-2/tpu0", "2026-12-06T07:00:00Z"));
        assertFalse(approvals.approved(MOVE));
    }

    @Test
    void aUsedApprovalAndOneOfAnEarlierProposalApproveNoLaterIdenticalMove() {
        approvals.propose(MOVE, "test");
        String first = proposal(client, "cam-1");
        create(client, approval("cam-1-to-pi-2", "cam-1", "pi-1/tpu0", "pi-2/tpu0", first));
        await(() -> approvals.approved(MOVE), "approved");
        assertTrue(approvals.spend(MOVE));
        assertFalse(approvals.approved(MOVE), "spent at once, whatever the cache shows yet");
        assertEquals("2026-12-06T07:00:00Z", read("cam-1-to-pi-2").getStatus().getUsedAt());
        assertEquals("pi-2/tpu0", read("cam-1-to-pi-2").getSpec().getTo(), "the spec as the operator wrote it");
        assertEquals(null, proposal(client, "cam-1"), "let through, the move is proposed no more");

        // Another controller (a new leader) reads the approval as used.
        try (KubernetesApprovals next = new KubernetesApprovals(client, NS, clock)) {
            createAndAwait(next, approval("marker", "cam-9", "pi-1/tpu0", "pi-2/tpu0", first));
            assertFalse(next.approved(MOVE));
        }
        // A second approval of the first proposal, made late and never used, and the same move proposed
        // again (after a rollback, say): the new proposal waits for an approval of its own.
        createAndAwait(approvals, approval("cam-1-to-pi-2-late", "cam-1", "pi-1/tpu0", "pi-2/tpu0", first));
        nowMs.addAndGet(600_000);
        approvals.propose(MOVE, "test, again");
        String second = proposal(client, "cam-1");
        assertEquals("2026-12-06T07:10:00Z", second);
        assertFalse(approvals.approved(MOVE), "an approval of the earlier proposal releases nothing");
        create(client, approval("cam-1-to-pi-2-again", "cam-1", "pi-1/tpu0", "pi-2/tpu0", second));
        await(() -> approvals.approved(MOVE), "approved again by the new approval");
        assertTrue(approvals.spend(MOVE));
        assertEquals("2026-12-06T07:10:00Z", read("cam-1-to-pi-2-again").getStatus().getUsedAt());
        MoveApproval late = read("cam-1-to-pi-2-late");
        assertNull(late.getStatus() == null ? null : late.getStatus().getUsedAt(), "the earlier proposal's approval released nothing");
        assertFalse(approvals.approved(MOVE));
    }

    @Test
    void everyApprovalOfTheMoveIsSpentByIt() {
        approvals.propose(MOVE, "test");
        String proposal = proposal(client, "cam-1");
        create(client, approval("alice", "cam-1", "pi-1/tpu0", "pi-2/tpu0", proposal));
        create(client, approval("bob", "cam-1", "pi-1/tpu0", "pi-2/tpu0", proposal));
        createAndAwait(approvals, approval("carol-other-move", "cam-1", "pi-1/tpu0", "nano-1/gpu0", proposal));
        assertTrue(approvals.approved(MOVE));
        assertTrue(approvals.spend(MOVE));
        assertEquals("2026-12-06T07:00:00Z", read("alice").getStatus().getUsedAt());
        assertEquals("2026-12-06T07:00:00Z", read("bob").getStatus().getUsedAt());
        assertFalse(approvals.approved(MOVE), "two approvals of one proposal let it through once");
        MoveApproval other = read("carol-other-move");
        assertNull(other.getStatus() == null ? null : other.getStatus().getUsedAt(), "an approval of another move is kept");
    }
}
