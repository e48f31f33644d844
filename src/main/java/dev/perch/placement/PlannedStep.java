package dev.perch.placement;

import dev.perch.cluster.PlanStep;

import java.util.Optional;

/**
 * One step of a plan: the change to the cluster itself — the same {@link PlanStep} the executor
 * guards and the actuator applies, never converted on the way — with why it is made and the models'
 * predictions on the accelerators it touches, before and after (for the decision record). A
 * placement has no source, so its source verdicts are null.
 */
public record PlannedStep(PlanStep step, String reason, DeviceVerdict sourceBefore, DeviceVerdict sourceAfter,
                          DeviceVerdict targetBefore, DeviceVerdict targetAfter) {
    public PlannedStep {
        if (!(step instanceof PlanStep.Place) && !(step instanceof PlanStep.Move)) {
            throw new IllegalArgumentException("a plan places or moves apps, not " + step);
        }
    }

    public String app() {
        return step.app();
    }

    /** The accelerator the app goes to. */
    public String to() {
        return step instanceof PlanStep.Move move ? move.to() : ((PlanStep.Place) step).accelerator();
    }

    /** The accelerator the app leaves, for a move. */
    public Optional<String> from() {
        return step instanceof PlanStep.Move move ? Optional.of(move.from()) : Optional.empty();
    }

    public boolean isMove() {
        return step instanceof PlanStep.Move;
    }
}
