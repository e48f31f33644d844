package dev.perch.controller;

import dev.perch.telemetry.AlertRecord;

/**
 * How the controller answers apps at risk — Perch's answers to the topology's alerts
 * ({@link AlertAnswers}) or the Ibis paper's reactive rule ({@link ReactiveRule}) — chosen by
 * wiring ({@link Policy}), never by a test of the policy inside a step.
 */
interface AtRiskStep {
    /** An alert from the topology; every replica hears it, {@code leading} says whether this one decides. */
    void onAlert(AlertRecord alert, boolean leading);

    /** The step's part of a reconcile pass (the replica leads). */
    void pass();

    /** This replica has just taken over as leader. */
    void takeOver();
}
