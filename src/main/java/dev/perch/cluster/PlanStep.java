package dev.perch.cluster;

/** One change to the cluster that the actuator applies. */
public sealed interface PlanStep {
    String app();

    /** Start an unplaced app on an accelerator. */
    record Place(String app, String accelerator) implements PlanStep {
    }

    /** Move a running app, make-before-break: start on {@code to}, switch traffic, stop on {@code from}. */
    record Move(String app, String from, String to) implements PlanStep {
    }

    /** Stop an app. */
    record Remove(String app) implements PlanStep {
    }
}
