package dev.perch.kubernetes;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

import java.util.ArrayList;
import java.util.List;

/** What the owner of an inference app declares. */
public class InferenceAppSpec {
    @Required
    @Pattern("^[A-Za-z0-9_.-]+$")
    @JsonPropertyDescription("The DNN model the app serves, as named in Perch's profile catalog (e.g. inception_v3).")
    private String model;

    @Required
    @JsonPropertyDescription("The container image of the app's backend (the process that runs the model).")
    private String image;

    @JsonPropertyDescription("Accelerator types the app may run on; empty means every type its model is profiled for.")
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

    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(/[a-z]+[0-9]+)?$")
    @JsonPropertyDescription("Optional pinning: a node name, or an accelerator id such as pi-1/tpu0; Perch then never moves the app.")
    private String pinnedTo;

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

    public String getPinnedTo() {
        return pinnedTo;
    }

    public void setPinnedTo(String pinnedTo) {
        this.pinnedTo = pinnedTo;
    }
}
