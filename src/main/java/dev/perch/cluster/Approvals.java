package dev.perch.cluster;

/**
 * Where a held move waits for a person: in approval mode Perch proposes each move and makes it only
 * once it is approved (as Strimzi holds Cruise Control proposals until an operator approves them).
 */
public interface Approvals {
    /** Every move approved: approval mode off. */
    Approvals NONE = new Approvals() {
        @Override
        public boolean approved(PlanStep.Move move) {
            return true;
        }

        @Override
        public void propose(PlanStep.Move move, String reason) {
        }
    };

    /** Whether the move is approved by an approval not spent yet; asking spends nothing. */
    boolean approved(PlanStep.Move move);

    /**
     * Spends the approval of a move about to be made, so that it approves no later move (the same
     * move proposed again, after a rollback say, waits for a new approval); false when it could not
     * be spent, and then the move waits. With nothing to spend (approval mode off): true.
     */
    default boolean spend(PlanStep.Move move) {
        return true;
    }

    /** Records the proposal where an operator sees it (idempotent). */
    void propose(PlanStep.Move move, String reason);
}
