package dev.perch.cluster;

/**
 * Where a held move waits for a person: in approval mode Perch proposes each move and makes it only
 * once it is approved (as Strimzi holds Cruise Control proposals until an annotation approves them).
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

    boolean approved(PlanStep.Move move);

    /** Records the proposal where an operator sees it (idempotent). */
    void propose(PlanStep.Move move, String reason);
}
