package dev.perch.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

import java.util.ArrayList;
import java.util.List;

/** What the owner of an inference app declares. */
public class InferenceAppSpec {
    @Required
    @Pattern("^[A-Za-z0-9_.-]+$")
    @JsonPropertyDescription("The DNN model the app serves, as named in Perch's profile catalog (e.g. inception_v3)."
            + " A model the catalog has no profile for (a new model, or a new version under a new name) is admitted on"
            + " probation: it runs alone on an idle accelerator while Perch learns its profile from its telemetry, then"
            + " is packed with other apps like any other. Probation costs a whole accelerator for about 200 requests"
            + " (at most 5 minutes), and up to 3 moves of other apps when none is idle.")
    private String model;

    @Required
    @JsonPropertyDescription("The container image of the app's backend (the process that runs the model).")
    private String image;

    @JsonPropertyDescription("Accelerator types the app may run on: name the types your model is built for. Empty means"
            + " every type its model is profiled for, or, for a model on probation, any type of the cluster.")
    private List<AcceleratorKind> acceleratorTypes = new ArrayList<>();

    @Min(0)
    @JsonPropertyDescription("The request rate the owner expects, in requests per second; Perch learns the real one from telemetry.")
    private double expectedRatePerSec;

    @Required
    @Min(value = 0, inclusive = false)
    @JsonPropertyDescription("The latency SLO in milliseconds, end to end (network, front end, accelerator).")
    private Double sloMs;

    @JsonPropertyDescription("The statistic the SLO bounds: mean, p50, p95 (default) or p99.")
    private SloKind sloStatistic;

    @Min(1)
    @Max(3600)
    @Default("60")
    @JsonPropertyDescription("The window the SLO is judged over, in whole seconds from 1 to 3600 (default 60):"
            + " the SLO bounds the statistic of the latencies of the last sloWindowSec seconds.")
    private Integer sloWindowSec;

    /**
     * The window as the server holds it, not as Jackson would coerce it into an Integer (1.5 read as
     * 1, "60" read as 60, a number past int's range failing the whole list the informer reads): an
     * API server that does not enforce the schema may hand any of these over, and each must be
     * answered as an invalid spec ({@link Inventory#invalidReason}), not taken for another window
     * nor break the reading of every other app.
     */
    @JsonIgnore
    private JsonNode sloWindowSecAsStated;

    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(/[a-z]+[0-9]+)?$")
    @JsonPropertyDescription("Optional pinning: a node name, or an accelerator id such as pi-1/tpu0; Perch then never moves the app.")
    private String pinnedTo;

    @JsonPropertyDescription("How the app's telemetry reaches Perch: scrape (Perch's node agent reads the server's metrics"
            + " endpoint) or push (the app posts per-request records to the agent); absent, the app publishes its own.")
    private InferenceAppTelemetry telemetry;

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public List<AcceleratorKind> getAcceleratorTypes() {
        return acceleratorTypes;
    }

    public void setAcceleratorTypes(List<AcceleratorKind> acceleratorTypes) {
        this.acceleratorTypes = acceleratorTypes == null ? new ArrayList<>() : acceleratorTypes;
    }

    public double getExpectedRatePerSec() {
        return expectedRatePerSec;
    }

    public void setExpectedRatePerSec(double expectedRatePerSec) {
        this.expectedRatePerSec = expectedRatePerSec;
    }

    public Double getSloMs() {
        return sloMs;
    }

    public void setSloMs(Double sloMs) {
        this.sloMs = sloMs;
    }

    public SloKind getSloStatistic() {
        return sloStatistic;
    }

    public void setSloStatistic(SloKind sloStatistic) {
        this.sloStatistic = sloStatistic;
    }

    /** The window in seconds; null when absent, and when not a whole number ({@link #sloWindowSecAsStated()} has it then). */
    public Integer getSloWindowSec() {
        return sloWindowSec;
    }

    @JsonSetter("sloWindowSec")
    public void setSloWindowSec(JsonNode value) {
        sloWindowSecAsStated = value == null || value.isNull() ? null : value;
        double seconds = sloWindowSecAsStated != null && sloWindowSecAsStated.isNumber()
                ? sloWindowSecAsStated.asDouble() : Double.NaN;
        sloWindowSec = seconds == Math.rint(seconds) && Math.abs(seconds) <= Integer.MAX_VALUE ? (int) seconds : null;
    }

    /** States the window in seconds. */
    public InferenceAppSpec sloWindowSec(int seconds) {
        setSloWindowSec(IntNode.valueOf(seconds));
        return this;
    }

    /** The window exactly as stated, null when absent. */
    public JsonNode sloWindowSecAsStated() {
        return sloWindowSecAsStated;
    }

    public String getPinnedTo() {
        return pinnedTo;
    }

    public void setPinnedTo(String pinnedTo) {
        this.pinnedTo = pinnedTo;
    }

    public InferenceAppTelemetry getTelemetry() {
        return telemetry;
    }

    public void setTelemetry(InferenceAppTelemetry telemetry) {
        this.telemetry = telemetry;
    }
}
