package dev.perch.kubernetes;

import dev.perch.cluster.AppReports;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.function.Function;

/**
 * The controller's reports to an app's owner, written on the InferenceApp: decisions as Events,
 * {@code SloAtRisk} with the predicted and observed latency, {@code Unschedulable} with why an
 * app runs nowhere, {@code Reporting} with whether Perch has telemetry for it, and {@code Probation}
 * while Perch learns the profile of its model. Reports come once per telemetry window or pass, so each is written only when it
 * would change what the owner reads, and a report that cannot be written is logged, never thrown:
 * reporting must not stop the loop. They are written at the pace {@link AppStatusWriter} is set to,
 * coalesced while they wait; "would change" is judged on the informer's cache, so one made again
 * before the first is written only replaces it in the queue.
 */
final class OwnerReports implements AppReports {
    private static final Logger LOG = Logger.getLogger(OwnerReports.class);

    private final Function<String, Optional<InferenceApp>> cached;
    private final AppStatusWriter status;

    /** {@code cached} finds an app in the informer's cache by name. */
    OwnerReports(Function<String, Optional<InferenceApp>> cached, AppStatusWriter status) {
        this.cached = cached;
        this.status = status;
    }

    @Override
    public void decided(String app, String summary) {
        cached.apply(app).ifPresent(a -> status.event(a, "Decision", summary));
    }

    @Override
    public void atRisk(String app, Double predictedMs, Double observedMs, String why) {
        report(app, predictedMs, observedMs, "True", "PredictedOverSlo", why);
    }

    @Override
    public void met(String app, Double predictedMs, Double observedMs) {
        report(app, predictedMs, observedMs, "False", "WithinSlo", "predicted and observed within the SLO");
    }

    private void report(String app, Double predictedMs, Double observedMs, String value, String reason, String message) {
        Optional<InferenceApp> found = cached.apply(app);
        if (found.isEmpty()) {
            return;
        }
        InferenceAppStatus current = found.get().getStatus();
        boolean unchanged = current != null && Conditions.says(current.getConditions(), InferenceAppStatus.SLO_AT_RISK, value, message);
        // An app never at risk keeps a status without SloAtRisk: "False" would only add noise.
        boolean neverAtRisk = "False".equals(value)
                && (current == null || Conditions.find(current.getConditions(), InferenceAppStatus.SLO_AT_RISK).isEmpty());
        if (unchanged || neverAtRisk) {
            return;
        }
        try {
            status.report(app, InferenceAppStatus.SLO_AT_RISK, s -> {
                s.setPredictedMs(predictedMs);
                s.setObservedMs(observedMs);
                status.condition(s, InferenceAppStatus.SLO_AT_RISK, value, reason, message);
            });
            if ("True".equals(value)) {
                status.event(found.get(), "SloAtRisk", message);
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("SLO report of %s not written: %s", app, e.getMessage());
        }
    }

    /**
     * {@code Reporting=True} (reason {@code TelemetryReceived}) once Perch has telemetry for the app;
     * written only when the condition's status turns, so the silent span's message stays as written.
     */
    @Override
    public void reporting(String app, String message) {
        markReporting(app, "True", "TelemetryReceived", message);
    }

    /** {@code Reporting=False} (reason {@code NoTelemetry}) with how long Perch has heard nothing of the app. */
    @Override
    public void noTelemetry(String app, String why) {
        markReporting(app, "False", "NoTelemetry", why);
    }

    private void markReporting(String app, String value, String reason, String message) {
        Optional<InferenceApp> found = cached.apply(app);
        if (found.isEmpty()) {
            return;
        }
        InferenceAppStatus current = found.get().getStatus();
        if (current != null && Conditions.find(current.getConditions(), InferenceAppStatus.REPORTING)
                .filter(c -> value.equals(c.getStatus())).isPresent()) {
            return;
        }
        try {
            status.report(app, InferenceAppStatus.REPORTING, s -> status.condition(s, InferenceAppStatus.REPORTING, value, reason, message));
            if ("False".equals(value)) {
                status.event(found.get(), "NoTelemetry", message);
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("Reporting of %s not written: %s", app, e.getMessage());
        }
    }

    /**
     * An app no accelerator takes gets {@code Unschedulable=True} (reason {@code NoFeasibleAccelerator})
     * with why, written when the message changes; placing it sets the condition back to False.
     */
    @Override
    public void unplaced(String app, String why) {
        markUnplaced(app, "NoFeasibleAccelerator", why);
    }

    /**
     * An app that fits but is turned away to keep Edge TPU time for smaller apps gets
     * {@code Unschedulable=True} (reason {@code EdgeTpuTimeReserved}) with why.
     */
    @Override
    public void turnedAway(String app, String why) {
        markUnplaced(app, "EdgeTpuTimeReserved", why);
    }

    /**
     * An app waiting for the moves that make its room gets {@code Unschedulable=True} (reason
     * {@code WaitingForRoom}) with what it waits for; placing it sets the condition back to False.
     */
    @Override
    public void waitingForRoom(String app, String why) {
        markUnplaced(app, "WaitingForRoom", why);
    }

    /**
     * An app of an unprofiled model waiting for an accelerator to learn its profile on gets
     * {@code Unschedulable=True} (reason {@code WaitingForProbation}) with what it waits for.
     */
    @Override
    public void waitingForProbation(String app, String why) {
        markUnplaced(app, "WaitingForProbation", why);
    }

    /**
     * {@code Probation=True} (reason {@code LearningProfile}) with {@code why} while the app runs alone
     * for Perch to learn its model's profile, and an Event as it starts; with {@code null}, the
     * condition turns False (reason {@code ProfileLearned}) and an Event says so. An app never on
     * probation gets no condition. Written only when it would change what the owner reads.
     */
    @Override
    public void onProbation(String app, String why) {
        Optional<InferenceApp> found = cached.apply(app);
        if (found.isEmpty()) {
            return;
        }
        InferenceAppStatus current = found.get().getStatus();
        Optional<Condition> condition = current == null ? Optional.empty()
                : Conditions.find(current.getConditions(), InferenceAppStatus.PROBATION);
        boolean learning = why != null;
        String value = learning ? "True" : "False";
        String reason = learning ? "LearningProfile" : "ProfileLearned";
        String message = learning ? why : "probation over: the model's profile is in Perch's catalog";
        boolean unchanged = condition.filter(c -> value.equals(c.getStatus()) && (!learning || message.equals(c.getMessage())))
                .isPresent();
        if (unchanged || (!learning && condition.isEmpty())) {
            return;
        }
        boolean turned = condition.filter(c -> value.equals(c.getStatus())).isEmpty();
        try {
            status.report(app, InferenceAppStatus.PROBATION, s -> status.condition(s, InferenceAppStatus.PROBATION, value, reason, message));
            if (turned) {
                status.event(found.get(), learning ? "Probation" : "ProbationEnded", message);
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("Probation of %s not written: %s", app, e.getMessage());
        }
    }

    private void markUnplaced(String app, String reason, String why) {
        Optional<InferenceApp> found = cached.apply(app);
        if (found.isEmpty()) {
            return;
        }
        try {
            markUnschedulable(found.get(), reason, why);
        } catch (KubernetesClientException e) {
            LOG.warnf("could not mark %s unschedulable (%s): %s", app, reason, e.getMessage());
        }
    }

    /** An invalid InferenceApp gets an Unschedulable condition with the reason, once; the loop goes on. */
    void markInvalid(InferenceApp app, String reason) {
        try {
            if (markUnschedulable(app, "Invalid", reason)) {
                status.event(app, "Invalid", reason);
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("could not mark %s invalid (%s): %s", app.getMetadata().getName(), reason, e.getMessage());
        }
    }

    /** Sets {@code Unschedulable=True} with the reason and message, unless it says so already (then false). */
    private boolean markUnschedulable(InferenceApp app, String reason, String message) {
        InferenceAppStatus current = app.getStatus();
        if (current != null && Conditions.says(current.getConditions(), InferenceAppStatus.UNSCHEDULABLE, "True", message)) {
            return false;
        }
        status.report(app.getMetadata().getName(), InferenceAppStatus.UNSCHEDULABLE,
                s -> status.condition(s, InferenceAppStatus.UNSCHEDULABLE, "True", reason, message));
        return true;
    }
}
