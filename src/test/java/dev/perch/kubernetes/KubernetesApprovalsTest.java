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

import static dev.perch.kubernetes.KubernetesClusterTest.await;
import static dev.perch.kubernetes.KubernetesFixtures.NS;
import static dev.perch.kubernetes.KubernetesFixtures.app;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Approval mode's proposals and approvals on the mock API server: the proposal on the InferenceApp,
 * a MoveApproval of exactly that move approving it, anything else (another move, the retired
 * annotation, another namespace, a used approval) not.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesApprovalsTest {
    private static final PlanStep.Move MOVE = new PlanStep.Move("cam-1", "pi-1/tpu0", "pi-2/tpu0");
    KubernetesClient client;
    private final SimClock clock = new SimClock(() -> Instant.parse("2026-12-06T07:00:00Z").toEpochMilli());
    private KubernetesApprovals approvals;

    /** A MoveApproval as an operator would {@code kubectl apply} it. */
    static MoveApproval approval(String name, String app, String from, String to) {
        MoveApproval approval = new MoveApproval();
        approval.getMetadata().setName(name);
        approval.getMetadata().setNamespace(NS);
        MoveApprovalSpec spec = new MoveApprovalSpec();
        spec.setApp(app);
        spec.setFrom(from);
        spec.setTo(to);
        spec.setComment("checked the dashboards");
        approval.setSpec(spec);
        return approval;
    }

    static void create(KubernetesClient client, MoveApproval approval) {
        client.resources(MoveApproval.class).inNamespace(approval.getMetadata().getNamespace()).resource(approval).create();
    }

    private MoveApproval read(String name) {
        return client.resources(MoveApproval.class).inNamespace(NS).withName(name).get();
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
        assertFalse(approvals.approved(MOVE), "proposed is not approved");
    }

    @Test
    void aMoveApprovalApprovesExactlyTheMoveItNames() {
        create(client, approval("cam-2-same-move", "cam-2", "pi-1/tpu0", "pi-2/tpu0"));
        create(client, approval("cam-1-from-pi-3", "cam-1", "pi-3/tpu0", "pi-2/tpu0"));
        create(client, approval("cam-1-to-nano", "cam-1", "pi-1/tpu0", "nano-1/gpu0")); // last: once it is read, all are
        await(() -> approvals.approved(new PlanStep.Move("cam-1", "pi-1/tpu0", "nano-1/gpu0")), "the approvals read");
        assertTrue(approvals.approved(new PlanStep.Move("cam-2", "pi-1/tpu0", "pi-2/tpu0")));
        assertFalse(approvals.approved(MOVE), "another target, another app, another source: none approves this move");

        create(client, approval("cam-1-to-pi-2", "cam-1", "pi-1/tpu0", "pi-2/tpu0"));
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
        MoveApproval elsewhere = approval("cam-1-to-pi-2", "cam-1", "pi-1/tpu0", "pi-2/tpu0");
        elsewhere.getMetadata().setNamespace("other");
        create(client, elsewhere);
        // A marker in Perch's namespace, created last: once it is read, so would have been the rest.
        create(client, approval("marker", "cam-9", "pi-1/tpu0", "pi-2/tpu0"));
        await(() -> approvals.approved(new PlanStep.Move("cam-9", "pi-1/tpu0", "pi-2/tpu0")), "the marker read");
        assertFalse(approvals.approved(MOVE));
    }

    @Test
    void aUsedApprovalApprovesNoLaterIdenticalMove() {
        create(client, approval("cam-1-to-pi-2", "cam-1", "pi-1/tpu0", "pi-2/tpu0"));
        await(() -> approvals.approved(MOVE), "approved");
        assertTrue(approvals.spend(MOVE));
        assertFalse(approvals.approved(MOVE), "spent at once, whatever the cache shows yet");
        assertEquals("2026-12-06T07:00:00Z", read("cam-1-to-pi-2").getStatus().getUsedAt());
        assertEquals("pi-2/tpu0", read("cam-1-to-pi-2").getSpec().getTo(), "the spec as the operator wrote it");

        // Another controller (a new leader) reads the approval as used.
        try (KubernetesApprovals next = new KubernetesApprovals(client, NS, clock)) {
            create(client, approval("marker", "cam-9", "pi-1/tpu0", "pi-2/tpu0"));
            await(() -> next.approved(new PlanStep.Move("cam-9", "pi-1/tpu0", "pi-2/tpu0")), "the marker read");
            assertFalse(next.approved(MOVE));
        }
        // The same move proposed again (after a rollback, say) waits for a new approval.
        create(client, approval("cam-1-to-pi-2-again", "cam-1", "pi-1/tpu0", "pi-2/tpu0"));
        await(() -> approvals.approved(MOVE), "approved again by the new approval");
        assertTrue(approvals.spend(MOVE));
        assertEquals("2026-12-06T07:00:00Z", read("cam-1-to-pi-2-again").getStatus().getUsedAt());
        assertFalse(approvals.approved(MOVE));
    }

    @Test
    void everyApprovalOfTheMoveIsSpentByIt() {
        create(client, approval("alice", "cam-1", "pi-1/tpu0", "pi-2/tpu0"));
        create(client, approval("bob", "cam-1", "pi-1/tpu0", "pi-2/tpu0"));
        create(client, approval("carol-other-move", "cam-1", "pi-1/tpu0", "nano-1/gpu0"));
        await(() -> approvals.approved(new PlanStep.Move("cam-1", "pi-1/tpu0", "nano-1/gpu0")), "the approvals read");
        assertTrue(approvals.spend(MOVE));
        assertEquals("2026-12-06T07:00:00Z", read("alice").getStatus().getUsedAt());
        assertEquals("2026-12-06T07:00:00Z", read("bob").getStatus().getUsedAt());
        assertFalse(approvals.approved(MOVE), "two approvals of one proposal let it through once");
        MoveApproval other = read("carol-other-move");
        assertNull(other.getStatus() == null ? null : other.getStatus().getUsedAt(), "an approval of another move is kept");
        assertTrue(approvals.approved(new PlanStep.Move("cam-1", "pi-1/tpu0", "nano-1/gpu0")));
    }
}
