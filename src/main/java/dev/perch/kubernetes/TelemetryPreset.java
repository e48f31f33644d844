package dev.perch.kubernetes;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The inference servers whose metrics Perch's node agent reads by name (an enum in the CRD's
 * schema). {@code custom} is in the schema so that an owner who writes it is told why Perch refuses
 * it ({@link TelemetrySpecs}) rather than met by a bare enum error.
 */
public enum TelemetryPreset {
    @JsonProperty("triton") TRITON("triton"),
    @JsonProperty("torchserve") TORCHSERVE("torchserve"),
    @JsonProperty("ovms") OVMS("ovms"),
    @JsonProperty("kserve") KSERVE("kserve"),
    @JsonProperty("mlserver") MLSERVER("mlserver"),
    @JsonProperty("custom") CUSTOM("custom");

    private final String id;

    TelemetryPreset(String id) {
        this.id = id;
    }

    /** The name as the CRD, the agent's config and the apps record spell it. */
    public String id() {
        return id;
    }
}
