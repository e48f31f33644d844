package dev.perch.kubernetes;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.perch.model.profile.AcceleratorType;

/** Accelerator types as the CRD spells them (an enum in the schema). */
public enum AcceleratorKind {
    @JsonProperty("edgetpu") EDGETPU(AcceleratorType.EDGETPU),
    @JsonProperty("gpu") GPU(AcceleratorType.GPU),
    @JsonProperty("cpu") CPU(AcceleratorType.CPU);

    private final AcceleratorType type;

    AcceleratorKind(AcceleratorType type) {
        this.type = type;
    }

    public AcceleratorType type() {
        return type;
    }
}
