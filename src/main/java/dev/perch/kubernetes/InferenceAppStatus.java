package dev.perch.kubernetes;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.kubernetes.api.model.Condition;

import java.util.ArrayList;
import java.util.List;

/**
 * What Perch reports about an app. {@code migration} is the state of a make-before-break move in
 * progress, kept in the cluster so that a new leader can finish it or roll it back.
 */
public class InferenceAppStatus {
    /** Condition types. */
    public static final String PLACED = "Placed";
    public static final String SLO_AT_RISK = "SloAtRisk";
    public static final String MIGRATING = "Migrating";
    public static final String UNSCHEDULABLE = "Unschedulable";
    public static final String REPORTING = "Reporting";
    public static final String PROBATION = "Probation";

    @PrinterColumn(name = "NODE")
    @JsonPropertyDescription("The node the app's traffic is served on.")
    private String node;

    @PrinterColumn(name = "ACCELERATOR")
    @JsonPropertyDescription("The accelerator the app's traffic is served on, e.g. pi-1/tpu0.")
    private String accelerator;

    @JsonPropertyDescription("Latency of the SLO's statistic that Perch's models predict where the app runs, in ms.")
    private Double predictedMs;

    @JsonPropertyDescription("Latency of the SLO's statistic observed in the last telemetry window, in ms.")
    private Double observedMs;

    @JsonPropertyDescription("A make-before-break move in progress.")
    private Migration migration;

    @JsonPropertyDescription("Placed, SloAtRisk, Migrating, Unschedulable, Reporting (whether Perch has telemetry"
            + " for the app); messages say why in SLO terms.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("The spec generation this status was written for.")
    private Long observedGeneration;

    /** A move in progress: the target is started, becomes ready, takes the traffic, then the source is removed. */
    public static class Migration {
        @JsonPropertyDescription("The accelerator the app moves from.")
        private String from;

        @JsonPropertyDescription("The accelerator the app moves to.")
        private String to;

        @JsonPropertyDescription("Starting (target starting, traffic on the source) or Switched (traffic on the target, source being removed).")
        private String phase;

        @JsonPropertyDescription("When the move started, epoch milliseconds.")
        private Long startedAtMs;

        @JsonPropertyDescription("Why Perch moves the app.")
        private String reason;

        public String getFrom() {
            return from;
        }

        public void setFrom(String from) {
            this.from = from;
        }

        public String getTo() {
            return to;
        }

        public void setTo(String to) {
            this.to = to;
        }

        public String getPhase() {
            return phase;
        }

        public void setPhase(String phase) {
            this.phase = phase;
        }

        public Long getStartedAtMs() {
            return startedAtMs;
        }

        public void setStartedAtMs(Long startedAtMs) {
            this.startedAtMs = startedAtMs;
        }

        public String getReason() {
            return reason;
        }

        public void setReason(String reason) {
            this.reason = reason;
        }
    }

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public String getAccelerator() {
        return accelerator;
    }

    public void setAccelerator(String accelerator) {
        this.accelerator = accelerator;
    }

    public Double getPredictedMs() {
        return predictedMs;
    }

    public void setPredictedMs(Double predictedMs) {
        this.predictedMs = predictedMs;
    }

    public Double getObservedMs() {
        return observedMs;
    }

    public void setObservedMs(Double observedMs) {
        this.observedMs = observedMs;
    }

    public Migration getMigration() {
        return migration;
    }

    public void setMigration(Migration migration) {
        this.migration = migration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }
}
